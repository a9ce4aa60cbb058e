import { type Engine, type RestoreOptions, isReplyError, keyBuffer } from '@modelkv/core';
import type { AofOperation } from './aof-commands.js';
import { printable } from './snapshot-reader.js';

/** Why the data could not be loaded; the server refuses to start with this message. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Models and scripts being loaded through their backends at once, at most. */
const LOADS_AT_ONCE = 8;

/**
 * Applies what a file holds to the engine. Operations on one key happen in the file's order;
 * models and scripts load through their backends several at a time meanwhile (a restart with
 * many models waits for the slowest few, not for the sum), so keys may enter the keyspace in
 * another order than the file's.
 */
export class Replayer {
  private readonly pending = new Map<string, Promise<void>>();
  private failure: LoadError | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly restore: RestoreOptions,
  ) {}

  async apply(op: AofOperation, where: string): Promise<void> {
    this.check();
    const store = this.engine.keyspace;
    switch (op.op) {
      case 'set': {
        await this.settle(op.key);
        // Keys read back are the keyspace's own (one char per byte): hand them over as bytes.
        const job = this.engine.restore(keyBuffer(op.key), op.record, this.restore).catch((err: unknown) => {
          const why = isReplyError(err) ? err.message : String(err);
          this.failure ??= new LoadError(`cannot load key '${printable(op.key)}' from ${where}: ${why}`);
        });
        if (op.record.kind === 'tensor') {
          await job;
          this.check();
          return;
        }
        while (this.pending.size >= LOADS_AT_ONCE) await Promise.race(this.pending.values());
        const tracked = job.finally(() => {
          if (this.pending.get(op.key) === tracked) this.pending.delete(op.key);
        });
        this.pending.set(op.key, tracked);
        return;
      }
      case 'delete':
        for (const k of op.keys) {
          await this.settle(k);
          store.delete(k);
        }
        return;
      case 'flush':
        await this.finish();
        store.flush();
        return;
      default:
        return;
    }
  }

  /** Waits for every load; throws the first failure. */
  async finish(): Promise<void> {
    await Promise.all(this.pending.values());
    this.check();
  }

  private async settle(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (p) await p;
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
