import { command } from '../command-table.js';

export const keys = command({
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  dangerous: true,
  group: 'generic',
  summary: 'Returns all key names that match a pattern.',
  handler(ctx, argv) {
    const found = ctx.engine.keys(argv[1]);
    ctx.reply.array(found.length);
    for (const k of found) ctx.reply.bulkLatin1(k);
  },
});
