import { isWord, syntaxError } from '../args.js';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';

/** FLUSHDB / FLUSHALL [ASYNC|SYNC]: there is one database, so both empty it. */
function flush(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isWord(argv[1], 'ASYNC') && !isWord(argv[1], 'SYNC'))) {
    throw syntaxError();
  }
  ctx.engine.flush();
}

export const flushdb = command({
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  dangerous: true,
  group: 'server',
  summary: 'Removes all keys from the current database.',
  handler(ctx, argv) {
    flush(ctx, argv);
    ctx.reply.ok();
  },
});

export const flushall = command({
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  dangerous: true,
  group: 'server',
  summary: 'Removes all keys from all databases.',
  waits: true,
  async handler(ctx, argv) {
    flush(ctx, argv);
    // As Redis: a background save stops, and with save points an empty snapshot replaces the old.
    await ctx.server.persistence.flushAll();
    ctx.reply.ok();
  },
});
