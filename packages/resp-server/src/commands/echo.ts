import { command } from '../command-table.js';

export const echo = command({
  name: 'echo',
  arity: 2,
  flags: ['fast'],
  group: 'connection',
  summary: 'Returns the given string.',
  handler(ctx, argv) {
    ctx.reply.bulk(argv[1]!);
  },
});
