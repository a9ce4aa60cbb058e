import { parseScriptExecute } from '../ai/execute-args.js';
import { SCRIPT_EXECUTE_ARGUMENTS, SCRIPT_EXECUTE_KEY_SPECS, scriptExecuteKeys } from '../ai/execute-keys.js';
import { answerRun, inputTensors } from '../ai/runs.js';
import { scriptExecuteCall } from '../ai/script-call.js';
import { aiCommand } from '../command-table.js';
import { EMPTY_KEY_1_2 } from '../compat.js';

/**
 * AI.SCRIPTEXECUTE key fn [KEYS n k...] [INPUTS n k...] [ARGS n a...] [OUTPUTS n k...]
 * [TIMEOUT t] (RedisAI 1.2): an entry point is called with the input tensors, the key names and
 * the arguments as three lists.
 */
export const aiScriptexecute = aiCommand({
  name: 'ai.scriptexecute',
  arity: -3,
  flags: ['write', 'denyoom', 'module'],
  since: '1.2.0',
  keySpecs: SCRIPT_EXECUTE_KEY_SPECS,
  keys: scriptExecuteKeys,
  arguments: SCRIPT_EXECUTE_ARGUMENTS,
  summary: 'Runs a function of a script (entry points get tensors, keys and arguments) and stores its outputs.',
  waits: true,
  async handler(ctx, argv) {
    const script = ctx.engine.script(argv[1]!, EMPTY_KEY_1_2.scriptrun);
    const parsed = parseScriptExecute(argv, { inDag: false });
    const tensors = inputTensors(ctx, parsed.inputs, EMPTY_KEY_1_2.input);
    ctx.engine.assertTensorKeys(parsed.outputs);
    const call = scriptExecuteCall(script, parsed, tensors);
    await answerRun(
      ctx,
      parsed.outputs,
      ctx.engine.runScript(script, call, parsed.outputs.length, { queueTimeoutMs: parsed.timeoutMs, signal: ctx.signal }),
    );
  },
});
