import type { StoreChange, ValueStore } from '@modelkv/core';
import type { Transaction } from './transaction.js';

/**
 * WATCHed keys of every client. Any change to a key (a write by any client, a run's outputs,
 * DEL, FLUSHALL of a key that existed) marks the transactions watching it dirty, as Redis's
 * touchWatchedKey does; it sees the changes through the store's change stream.
 */
export class WatchRegistry {
  private readonly byKey = new Map<string, Set<Transaction>>();

  constructor(private readonly store: ValueStore) {
    store.onChange(this.onChange);
  }

  watch(tx: Transaction, key: string): void {
    if (tx.watched.has(key)) return;
    tx.watched.add(key);
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(tx);
  }

  unwatchAll(tx: Transaction): void {
    for (const key of tx.watched) {
      const set = this.byKey.get(key);
      if (!set) continue;
      set.delete(tx);
      if (set.size === 0) this.byKey.delete(key);
    }
    tx.watched.clear();
    tx.dirty = false;
  }

  private readonly onChange = (change: StoreChange): void => {
    if (this.byKey.size === 0) return;
    switch (change.type) {
      case 'set':
      case 'delete':
        this.touch(change.key);
        return;
      case 'flush':
        // Before the store empties: only keys that exist are changed by it.
        for (const key of this.byKey.keys()) if (this.store.has(key)) this.touch(key);
        return;
      default:
        return;
    }
  };

  private touch(key: string): void {
    const set = this.byKey.get(key);
    if (set) for (const tx of set) tx.dirty = true;
  }
}
