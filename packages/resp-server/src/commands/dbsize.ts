import { command } from '../command-table.js';

export const dbsize = command({
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  group: 'server',
  summary: 'Returns the number of keys in the database.',
  handler: (ctx) => {
    ctx.reply.integer(ctx.engine.dbsize);
  },
});
