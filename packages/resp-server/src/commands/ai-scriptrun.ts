import { aiCommand } from '../command-table.js';
import { parseRunKeys, runArguments, runKeySpecs, runKeys } from './run-keys.js';

/** AI.SCRIPTRUN key fn INPUTS k... OUTPUTS k...: the client waits, others are served meanwhile. */
export const aiScriptrun = aiCommand({
  name: 'ai.scriptrun',
  arity: -5,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: runKeySpecs(3),
  keys: runKeys(3),
  arguments: runArguments([{ name: 'function', type: 'string' }]),
  summary: 'Runs a function of a script on input tensors and stores its outputs.',
  async handler(ctx, argv) {
    const { inputs, outputs } = parseRunKeys(argv, 3);
    await ctx.engine.scriptRun(argv[1]!, argv[2]!.toString(), inputs, outputs, { signal: ctx.signal });
    ctx.reply.ok();
  },
});
