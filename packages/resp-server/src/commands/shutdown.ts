import { ReplyError } from '@modelkv/core';
import { isWord, syntaxError } from '../args.js';
import { command } from '../command-table.js';
import { exclusively } from '../exec-gate.js';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. The append-only file is written out and synced;
 * a snapshot is saved with SAVE, or without NOSAVE when save points are set. When that fails the
 * server keeps running and answers an error, unless FORCE. On success there is no reply: the
 * connection closes with the server, as in Redis.
 */
export const shutdown = command({
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  group: 'server',
  summary: 'Saves what persistence needs, closes every connection and stops the server.',
  waits: true,
  async handler(ctx, argv) {
    let abort = false;
    let save: boolean | undefined;
    let force = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (isWord(a, 'ABORT')) abort = true;
      else if (isWord(a, 'NOSAVE') && save === undefined) save = false;
      else if (isWord(a, 'SAVE') && save === undefined) save = true;
      else if (isWord(a, 'FORCE')) force = true;
      else if (!isWord(a, 'NOW')) throw syntaxError();
    }
    if (abort) {
      if (argv.length > 2) throw syntaxError();
      throw new ReplyError('No shutdown in progress.');
    }
    await exclusively(ctx.server.gate, ctx, () => ctx.server.persistence.shutdown(save, force));
    ctx.server.shutdown();
  },
});
