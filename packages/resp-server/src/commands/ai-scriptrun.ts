import { aiCommand } from '../command-table.js';
import { parseRunKeys } from './run-keys.js';

/** AI.SCRIPTRUN key fn INPUTS k... OUTPUTS k...: the client waits, others are served meanwhile. */
export const aiScriptrun = aiCommand({
  name: 'ai.scriptrun',
  arity: -5,
  flags: ['write', 'denyoom', 'module'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  summary: 'Runs a function of a script on input tensors and stores its outputs.',
  async handler(ctx, argv) {
    const { inputs, outputs } = parseRunKeys(argv, 3);
    await ctx.engine.scriptRun(argv[1]!, argv[2]!.toString(), inputs, outputs);
    ctx.reply.ok();
  },
});
