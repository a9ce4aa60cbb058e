import { ReplyError } from '@modelkv/core';
import { commandKeys } from './command-keys.js';
import type { CommandSpec } from './command-table.js';
import { clientLine } from './commands/client.js';
import type { ClientState, ServerContext } from './context.js';

const NOAUTH = new ReplyError('Authentication required.', 'NOAUTH');
const OOM = new ReplyError("command not allowed when used memory > 'maxmemory'.", 'OOM');

/**
 * Whether a connection must look closer at a command before running it: it has not
 * authenticated, its user is restricted, or the command adds data (maxmemory). Everything else
 * runs on after these few property reads.
 */
export function needsAdmission(client: ClientState, spec: CommandSpec): boolean {
  return !client.authenticated || client.user.restricted || spec.denyOom;
}

/**
 * The checks between finding a command (unknown command and arity come first) and running it,
 * in Redis's processCommand order: authentication (NOAUTH), the user's permissions on the
 * command and on every key it names (NOPERM, logged in ACL LOG), then maxmemory for commands
 * that add data (OOM). Returns the refusal, or undefined to run it. `context` is ACL LOG's:
 * `toplevel`, or `multi` for a command queued in a transaction.
 */
export function admit(
  server: ServerContext,
  client: ClientState,
  spec: CommandSpec,
  argv: readonly Buffer[],
  context = 'toplevel',
): ReplyError | undefined {
  if (!client.authenticated && !spec.noAuth && server.acl.authRequired) return NOAUTH;
  const user = client.user;
  if (user.restricted && !spec.noAuth) {
    if (!user.mayRun(spec)) {
      server.stats.aclDeniedCmd++;
      server.aclLog.add('command', context, spec.name, user.name, clientLine(client));
      return new ReplyError(`User ${user.name} has no permissions to run the '${spec.name}' command`, 'NOPERM');
    }
    if (!user.allKeys) {
      for (const k of commandKeys(spec, argv)) {
        if (user.mayAccessKey(k.key, k.flags)) continue;
        server.stats.aclDeniedKey++;
        server.aclLog.add('key', context, k.key.toString('latin1'), user.name, clientLine(client));
        return new ReplyError('No permissions to access a key', 'NOPERM');
      }
    }
  }
  if (spec.denyOom && server.memory.overLimit()) {
    server.memory.refused(spec.name, client.remoteAddress);
    return OOM;
  }
  return undefined;
}

/**
 * Why `user` may not run a request, in ACL DRYRUN's words (Redis 7.2's verbose texts), or
 * undefined when it may. Nothing is counted or logged.
 */
export function dryRun(client: Pick<ClientState, 'user'>, spec: CommandSpec, argv: readonly Buffer[]): string | undefined {
  const user = client.user;
  if (!spec.noAuth && !user.mayRun(spec)) return `User ${user.name} has no permissions to run the '${spec.name}' command`;
  if (!user.allKeys) {
    for (const k of commandKeys(spec, argv)) {
      if (!user.mayAccessKey(k.key, k.flags)) return `User ${user.name} has no permissions to access the '${k.key.toString('latin1')}' key`;
    }
  }
  return undefined;
}
