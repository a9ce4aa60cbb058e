import { aiCommand } from '../command-table.js';

export const aiModeldel = aiCommand({
  name: 'ai.modeldel',
  arity: 2,
  flags: ['write', 'module'],
  summary: 'Deletes a model.',
  handler(ctx, argv) {
    ctx.engine.modelDel(argv[1]!);
    ctx.reply.ok();
  },
});
