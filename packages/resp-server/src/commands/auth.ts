import { ReplyError } from '@modelkv/core';
import { syntaxError } from '../args.js';
import { command } from '../command-table.js';

/**
 * There are no users or passwords: like a Redis whose default user has no password, AUTH with
 * the user `default` succeeds and any other user is refused.
 */
export const auth = command({
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Authenticates the connection (no passwords are configured).',
  handler(ctx, argv) {
    if (argv.length > 3) throw syntaxError();
    if (argv.length === 2) {
      throw new ReplyError(
        'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    checkUser(argv[1]!);
    ctx.reply.ok();
  },
});

export function checkUser(user: Buffer): void {
  if (user.toString() !== 'default') throw wrongPass();
}

function wrongPass(): ReplyError {
  return new ReplyError('invalid username-password pair or user is disabled.', 'WRONGPASS');
}
