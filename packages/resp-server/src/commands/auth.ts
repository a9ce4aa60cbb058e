import { ReplyError } from '@modelkv/core';
import { syntaxError } from '../args.js';
import { DEFAULT_USER } from '../acl/users.js';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';
import { clientLine } from './client.js';

export const WRONGPASS = new ReplyError('invalid username-password pair or user is disabled.', 'WRONGPASS');

/**
 * Authenticates the connection as `username` if `password` is one of its passwords (compared in
 * constant time, never logged). A failure is counted (acl_access_denied_auth), put in ACL LOG and
 * logged, rate-limited; `word` is the command that tried (AUTH, HELLO).
 */
export function authenticate(ctx: CommandContext, username: Buffer, password: Buffer, word: string): boolean {
  const name = username.toString('latin1');
  const user = ctx.server.acl.authenticate(name, password);
  if (user) {
    ctx.client.user = user;
    ctx.client.authenticated = true;
    return true;
  }
  ctx.server.stats.aclDeniedAuth++;
  ctx.server.aclLog.add('auth', 'toplevel', word, name, clientLine(ctx.client));
  ctx.server.authFailures.event('authentication failed', { user: name, client: ctx.client.id, addr: ctx.client.remoteAddress });
  return false;
}

/** AUTH [username] password: the one-argument form authenticates the default user. */
export const auth = command({
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Authenticates the connection.',
  handler(ctx, argv) {
    if (argv.length > 3) throw syntaxError();
    let username: Buffer;
    let password: Buffer;
    if (argv.length === 2) {
      if (ctx.server.acl.defaultUser.nopass) {
        throw new ReplyError(
          'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      username = Buffer.from(DEFAULT_USER);
      password = argv[1]!;
    } else {
      username = argv[1]!;
      password = argv[2]!;
    }
    if (!authenticate(ctx, username, password, argv[0]!.toString('latin1'))) throw WRONGPASS;
    ctx.reply.ok();
  },
});
