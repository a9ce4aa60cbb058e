import { ReplyError } from '@modelkv/core';
import { isWord, syntaxError } from '../args.js';
import { command } from '../command-table.js';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Nothing is persisted, so SAVE and NOSAVE are the
 * same. On success there is no reply: the connection closes with the server, as in Redis.
 */
export const shutdown = command({
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
  group: 'server',
  summary: 'Closes every connection and stops the server.',
  handler(ctx, argv) {
    let abort = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (isWord(a, 'ABORT')) abort = true;
      else if (!isWord(a, 'NOSAVE') && !isWord(a, 'SAVE') && !isWord(a, 'NOW') && !isWord(a, 'FORCE')) throw syntaxError();
    }
    if (abort) {
      if (argv.length > 2) throw syntaxError();
      throw new ReplyError('No shutdown in progress.');
    }
    ctx.server.shutdown();
  },
});
