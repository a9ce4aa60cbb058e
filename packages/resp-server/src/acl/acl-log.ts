/** Why a request was refused, as ACL LOG names it. */
export type AclDenial = 'auth' | 'command' | 'key' | 'channel';

export interface AclLogEntry {
  count: number;
  readonly reason: AclDenial;
  /** Where the request ran: `toplevel` (or `multi` inside a transaction). */
  readonly context: string;
  /** The command, key or channel refused, or the AUTH/HELLO word for a failed authentication. */
  readonly object: string;
  readonly username: string;
  /** CLIENT LIST's line for the last client refused. */
  clientInfo: string;
  readonly entryId: number;
  readonly createdAt: number;
  updatedAt: number;
}

/** Entries this close in time, for the same reason, context, object and user, are counted as one. */
const GROUPING_MS = 60_000;
/** How many of the newest entries a new one is compared with (Redis: 10). */
const MATCH_SCAN = 10;

/**
 * The security log ACL LOG shows, newest first, at most `maxLen` entries (acllog-max-len), with
 * Redis's grouping of repeated denials into one entry with a count.
 */
export class AclLog {
  private entries: AclLogEntry[] = [];
  private nextId = 0;

  constructor(public maxLen: number) {}

  add(reason: AclDenial, context: string, object: string, username: string, clientInfo: string, now = Date.now()): void {
    const scan = Math.min(MATCH_SCAN, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i]!;
      if (
        e.reason === reason &&
        e.context === context &&
        e.object === object &&
        e.username === username &&
        Math.abs(now - e.updatedAt) <= GROUPING_MS
      ) {
        e.count++;
        e.updatedAt = now;
        e.clientInfo = clientInfo;
        this.entries.splice(i, 1);
        this.entries.unshift(e);
        return;
      }
    }
    this.entries.unshift({
      count: 1,
      reason,
      context,
      object,
      username,
      clientInfo,
      entryId: this.nextId++,
      createdAt: now,
      updatedAt: now,
    });
    this.trim();
  }

  /** The newest `count` entries. */
  newest(count: number): readonly AclLogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  reset(): void {
    this.entries = [];
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }
}
