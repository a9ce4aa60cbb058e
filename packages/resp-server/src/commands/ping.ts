import { command, wrongArity } from '../command-table.js';

export const ping = command({
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  group: 'connection',
  summary: "Returns the server's liveliness response.",
  handler(ctx, argv) {
    if (argv.length > 2) throw wrongArity(ctx.command, argv);
    if (argv.length === 2) ctx.reply.bulk(argv[1]!);
    else ctx.reply.simple('PONG');
  },
});
