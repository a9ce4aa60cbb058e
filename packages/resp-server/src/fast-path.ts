import type { ClientState, ServerContext } from './context.js';
import type { Transaction } from './transaction.js';

/**
 * Whether the checks before a command can be skipped: none of them can refuse it, none of them
 * has to hold it back. Each check depends on some state; while the server's part of that state
 * is quiet (no maxmemory, not loading, no append-only file, writes not refused after a failed
 * snapshot, nobody running alone) and the client's is too (authenticated, a user without
 * restrictions, outside MULTI), a command costs one comparison of versions instead.
 *
 * Whatever changes the server's part calls `changed` (CONFIG SET, ACL changes, persistence, the
 * exec gate), which closes every connection's fast path until it is looked at again; what
 * changes a client's part closes that client's own (`Connection`).
 */
export class FastPath {
  /** Bumped by every change of the server's state the checks depend on. */
  version = 0;
  /** The version at which the server's state was found quiet (-1: not found quiet yet). */
  private quietAt = -1;
  /** The version last looked at. */
  private checkedAt = -1;

  readonly changed = (): void => {
    this.version++;
  };

  /** Whether the server's part of the state lets commands skip the checks now. */
  serverQuiet(server: ServerContext): boolean {
    const version = this.version;
    if (this.checkedAt !== version) {
      this.checkedAt = version;
      this.quietAt = quietServer(server) ? version : -1;
    }
    return this.quietAt === version;
  }
}

function quietServer(server: ServerContext): boolean {
  const persistence = server.persistence;
  return (
    server.config.settings.maxmemory === 0 &&
    !persistence.loading &&
    persistence.aof === undefined &&
    persistence.writeDenied() === undefined &&
    server.gate.idle
  );
}

/** Whether the client's part of the state lets its commands skip the checks. */
export function quietClient(client: ClientState, tx: Transaction): boolean {
  return client.authenticated && !client.user.restricted && !tx.active;
}
