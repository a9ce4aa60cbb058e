import { aiCommand } from '../command-table.js';
import { parseRunKeys, runArguments, runKeySpecs, runKeys } from './run-keys.js';

/** AI.MODELRUN key INPUTS k... OUTPUTS k...: the client waits, others are served meanwhile. */
export const aiModelrun = aiCommand({
  name: 'ai.modelrun',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: runKeySpecs(2),
  keys: runKeys(2),
  arguments: runArguments([]),
  summary: 'Runs a model on input tensors and stores its outputs.',
  async handler(ctx, argv) {
    const { inputs, outputs } = parseRunKeys(argv, 2);
    await ctx.engine.modelRun(argv[1]!, inputs, outputs, { signal: ctx.signal });
    ctx.reply.ok();
  },
});
