import { isWord, syntaxError } from '../args.js';
import { command } from '../command-table.js';
import { exclusively } from '../exec-gate.js';

/** SAVE: a snapshot now; every other client waits until it is on disk, as in Redis. */
export const save = command({
  name: 'save',
  arity: 1,
  flags: ['admin', 'noscript', 'no_multi'],
  group: 'server',
  summary: 'Synchronously saves the database(s) to disk.',
  waits: true,
  async handler(ctx) {
    await exclusively(ctx.server.gate, ctx, () => ctx.server.persistence.save());
    ctx.reply.ok();
  },
});

/** BGSAVE [SCHEDULE]: a point-in-time snapshot written while clients go on being served. */
export const bgsave = command({
  name: 'bgsave',
  arity: -1,
  flags: ['admin', 'noscript'],
  group: 'server',
  summary: 'Asynchronously saves the database(s) to disk.',
  handler(ctx, argv) {
    if (argv.length > 2 || (argv.length === 2 && !isWord(argv[1], 'SCHEDULE'))) throw syntaxError();
    ctx.reply.simple(ctx.server.persistence.bgsave());
  },
});

/** BGREWRITEAOF: compacts the append-only file (writes one when it is off) without stopping clients. */
export const bgrewriteaof = command({
  name: 'bgrewriteaof',
  arity: 1,
  flags: ['admin', 'noscript'],
  group: 'server',
  summary: 'Asynchronously rewrites the append-only file to disk.',
  handler(ctx) {
    ctx.reply.simple(ctx.server.persistence.bgrewriteaof());
  },
});

export const lastsave = command({
  name: 'lastsave',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  group: 'server',
  categories: ['@admin', '@fast', '@dangerous'],
  summary: 'Returns the Unix timestamp of the last successful save to disk.',
  handler(ctx) {
    ctx.reply.integer(ctx.server.persistence.lastSave);
  },
});
