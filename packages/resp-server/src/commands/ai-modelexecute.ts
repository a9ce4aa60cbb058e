import { parseModelExecute } from '../ai/execute-args.js';
import { answerRun, inputTensors } from '../ai/runs.js';
import { namedArity } from '../ai/arity.js';
import { MODEL_EXECUTE_ARGUMENTS, MODEL_EXECUTE_KEY_SPECS, modelExecuteKeys } from '../ai/execute-keys.js';
import { aiCommand } from '../command-table.js';
import { EMPTY_KEY_1_2 } from '../compat.js';

/**
 * AI.MODELEXECUTE key INPUTS n k... OUTPUTS n k... [TIMEOUT t] (RedisAI 1.2). TIMEOUT bounds the
 * wait in the queue: a run not started by then is dropped and answered `TIMEDOUT`.
 */
export const aiModelexecute = aiCommand({
  name: 'ai.modelexecute',
  arity: -2,
  flags: ['write', 'denyoom', 'module'],
  since: '1.2.0',
  keySpecs: MODEL_EXECUTE_KEY_SPECS,
  keys: modelExecuteKeys,
  arguments: MODEL_EXECUTE_ARGUMENTS,
  summary: 'Runs a model on input tensors and stores its outputs (counted INPUTS and OUTPUTS, optional TIMEOUT).',
  waits: true,
  async handler(ctx, argv) {
    if (argv.length < 8) throw namedArity('AI.MODELEXECUTE');
    const model = ctx.engine.model(argv[1]!, EMPTY_KEY_1_2.modelrun);
    const { inputs, outputs, timeoutMs } = parseModelExecute(argv, model, { inDag: false });
    const tensors = inputTensors(ctx, inputs, EMPTY_KEY_1_2.input);
    ctx.engine.assertTensorKeys(outputs);
    await answerRun(ctx, outputs, ctx.engine.runModel(model, tensors, outputs.length, { queueTimeoutMs: timeoutMs, signal: ctx.signal }));
  },
});
