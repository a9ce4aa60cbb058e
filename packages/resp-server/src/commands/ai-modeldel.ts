import { command } from '../command-table.js';

export const aiModeldel = command({
  name: 'ai.modeldel',
  arity: 2,
  flags: ['write', 'module'],
  group: 'module',
  since: '0.9.0',
  firstKey: 1,
  lastKey: 1,
  step: 1,
  summary: 'Deletes a model.',
  handler(ctx, argv) {
    ctx.engine.modelDel(argv[1]!);
    ctx.reply.ok();
  },
});
