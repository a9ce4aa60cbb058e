import { aiCommand } from '../command-table.js';
import { parseRunKeys } from './run-keys.js';

/** AI.MODELRUN key INPUTS k... OUTPUTS k...: the client waits, others are served meanwhile. */
export const aiModelrun = aiCommand({
  name: 'ai.modelrun',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  summary: 'Runs a model on input tensors and stores its outputs.',
  async handler(ctx, argv) {
    const { inputs, outputs } = parseRunKeys(argv, 2);
    await ctx.engine.modelRun(argv[1]!, inputs, outputs);
    ctx.reply.ok();
  },
});
