import { answerRun, inputTensors } from '../ai/runs.js';
import { aiCommand } from '../command-table.js';
import { emptyKeyMessage } from '../compat.js';
import { parseRunKeys, runArguments, runKeySpecs, runKeys } from './run-keys.js';

/**
 * AI.SCRIPTRUN key fn [TIMEOUT t] INPUTS k... OUTPUTS k...: the function gets the tensors as
 * its arguments. The client waits, others are served meanwhile.
 */
export const aiScriptrun = aiCommand({
  name: 'ai.scriptrun',
  arity: -5,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: runKeySpecs(3),
  keys: runKeys(3),
  arguments: runArguments([{ name: 'function', type: 'string' }]),
  summary: 'Runs a function of a script on input tensors and stores its outputs.',
  waits: true,
  async handler(ctx, argv) {
    const script = ctx.engine.script(argv[1]!, emptyKeyMessage(ctx, 'scriptrun'));
    const { timeoutMs, inputs, outputs } = parseRunKeys(argv, 3);
    const tensors = inputTensors(ctx, inputs, emptyKeyMessage(ctx, 'input'));
    ctx.engine.assertTensorKeys(outputs);
    const call = { fn: argv[2]!.toString(), inputs: tensors };
    await answerRun(ctx, outputs, ctx.engine.runScript(script, call, outputs.length, { queueTimeoutMs: timeoutMs, signal: ctx.signal }));
  },
});
