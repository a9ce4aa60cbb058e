import { ftruncateSync, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { ChangeEncoder } from './change-encoder.js';
import { skipBytes, writeAll } from './file-sink.js';
import { type Arg, FrameBuffer } from './frame-buffer.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'everysec', 'no'];

/** How long a failed write waits before it is tried again. */
const RETRY_MS = 1000;
/**
 * Writes up to this size are made from the event loop thread, as Redis makes them: copying a
 * few hundred kilobytes into the page cache takes less than handing them to another thread and
 * back. Larger ones go to libuv's threads so that clients are served meanwhile.
 */
const WRITE_NOW_BYTES = 256 * 1024;

/**
 * The append-only file being written. Changes are encoded as commands into a buffer as they
 * happen; at the end of the event loop's turn everything gathered goes to the file in one write,
 * followed with `always` by one fdatasync on libuv's threads: the group commit. Replies wait
 * for `whenDurable(appended)`: with `always` that is after the fdatasync, otherwise after the
 * write (the data is the kernel's then, and only a machine crash can lose it; `everysec` syncs it
 * once a second).
 */
export class AofWriter {
  /** Logical bytes appended so far: the sequence number durability is tracked in. */
  appended = 0;
  /** Logical bytes that are durable under the fsync policy. */
  durable = 0;
  /** Bytes appended to the current file (what it will hold once written). */
  fileSize: number;
  lastWriteError: string | undefined;
  readonly encoder = new ChangeEncoder((args) => {
    this.append(args);
  });

  /** Writes that failed, to be tried again before the buffer. */
  private retry: Buffer[] = [];
  private readonly pending = new FrameBuffer();
  /** Files rotated out, with what is still to be written to them before they are synced and closed. */
  private retired: { handle: FileHandle; parts: Buffer[]; diskSize: number }[] = [];
  /** Bytes the current file holds on disk. */
  private diskSize: number;
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  private writing = false;
  private scheduled = false;
  private paused = false;
  private readonly idle: (() => void)[] = [];
  private syncNeeded = false;
  private unsynced = false;
  private lastSync = Date.now();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Where the MULTI of a transaction still open was appended. */
  private openMultiAt: number | undefined;

  constructor(
    private handle: FileHandle,
    size: number,
    public policy: FsyncPolicy,
  ) {
    this.fileSize = size;
    this.diskSize = size;
  }

  /** Opens (or creates) the file at `path` for appending at its current end. */
  static async open(path: string, policy: FsyncPolicy): Promise<AofWriter> {
    const handle = await open(path, 'a');
    const { size } = await handle.stat();
    return new AofWriter(handle, size, policy);
  }

  /** Bytes appended and not written yet. */
  get bufferLength(): number {
    let n = this.pending.length;
    for (const b of this.retry) n += b.length;
    for (const r of this.retired) for (const b of r.parts) n += b.length;
    return n;
  }

  /** The keyspace listener. */
  get onChange(): ChangeEncoder['onChange'] {
    return this.encoder.onChange;
  }

  append(args: readonly Arg[]): void {
    if (this.closed) return;
    // A transaction is durable once its EXEC is: nothing after its MULTI counts as durable before.
    if (args[0] === 'MULTI') this.openMultiAt = this.appended;
    const before = this.pending.length;
    this.pending.command(args);
    const n = this.pending.length - before;
    this.appended += n;
    if (args[0] === 'EXEC') this.openMultiAt = undefined;
    this.fileSize += n;
    this.schedule();
  }

  /** Calls back once everything appended up to `seq` is durable. */
  whenDurable(seq: number, callback: () => void): void {
    if (seq <= this.durable) {
      callback();
      return;
    }
    this.waiters.push({ seq, resolve: callback });
  }

  /**
   * Appends go to `handle` from now on (a new incremental file); what was appended before still
   * goes to the old file, which is then synced and closed. Call between groups of changes.
   */
  rotate(handle: FileHandle): void {
    this.retired.push({ handle: this.handle, parts: [...this.retry, ...this.pending.take()], diskSize: this.diskSize });
    this.retry = [];
    this.handle = handle;
    this.fileSize = 0;
    this.diskSize = 0;
    this.schedule();
  }

  /** Writes everything appended and syncs it (SHUTDOWN, switching the file off). */
  async flushAndSync(): Promise<void> {
    await this.pause();
    try {
      await this.step(true);
    } finally {
      this.resume();
    }
  }

  /** Called about ten times a second: with `everysec`, syncs what was written a second ago or more. */
  tick(now: number): void {
    if (this.policy !== 'everysec' || !this.unsynced || now - this.lastSync < 1000) return;
    this.syncNeeded = true;
    this.schedule();
  }

  /** Stops writing after the current write; appends keep gathering. */
  async pause(): Promise<void> {
    this.paused = true;
    if (!this.writing) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /**
   * Stops writing (after flushAndSync when the data matters). Whoever still waits is called back:
   * with the file gone there is nothing more to wait for.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.pause();
    for (const w of this.waiters.splice(0)) w.resolve();
    for (const r of this.retired.splice(0)) await r.handle.close().catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.paused || this.closed || this.retryTimer) return;
    if (this.pending.length === 0 && this.retry.length === 0 && this.retired.length === 0 && !this.syncNeeded) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn of the event loop: every client read in it joins the write.
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    this.scheduled = false;
    if (this.writing || this.paused || this.closed) return;
    this.writing = true;
    try {
      while (this.hasWork()) {
        try {
          await this.step(false);
        } catch {
          this.retryLater();
          return;
        }
      }
    } finally {
      this.writing = false;
      for (const cb of this.idle.splice(0)) cb();
      this.schedule();
    }
  }

  private hasWork(): boolean {
    if (this.paused || this.closed) return false;
    return this.retry.length > 0 || this.pending.length > 0 || this.retired.length > 0 || this.syncNeeded;
  }

  /**
   * One write of everything appended (and the files rotated out, synced and closed), then an
   * fdatasync when the policy or `sync` asks; then what it covered is durable. A failed write (a
   * full disk) is cut off again so that the file ends on a whole command, the data stays queued,
   * and the error is kept in `lastWriteError` (the server refuses writes meanwhile).
   */
  private async step(sync: boolean): Promise<void> {
    while (this.retired.length > 0) {
      const r = this.retired[0]!;
      if (r.parts.length > 0) {
        r.diskSize += await this.writeOrKeep(r.handle, r.parts, r.diskSize);
        r.parts = [];
      }
      await r.handle.datasync();
      this.retired.shift();
      await r.handle.close().catch(() => undefined);
    }
    // Taken together with the parts, after the awaits above: what was appended meanwhile is in them.
    const target = this.appended;
    const parts = this.retry.length > 0 ? [...this.retry, ...this.pending.take()] : this.pending.take();
    this.retry = [];
    if (parts.length > 0) {
      try {
        this.diskSize +=
          byteLength(parts) <= WRITE_NOW_BYTES ? this.writeNow(parts) : await this.writeOrKeep(this.handle, parts, this.diskSize);
      } catch (err) {
        this.retry = parts;
        throw err;
      }
      this.unsynced = true;
    }
    if (this.policy === 'always' || this.syncNeeded || sync) {
      this.syncNeeded = false;
      try {
        await this.handle.datasync();
      } catch (err) {
        this.lastWriteError = `fsync failed: ${describe(err)}`;
        this.syncNeeded = true;
        throw err;
      }
      this.unsynced = false;
      this.lastSync = Date.now();
    }
    this.lastWriteError = undefined;
    this.markDurable(target);
  }

  /** A small write, made at once; on failure the file is cut back to where it was. */
  private writeNow(parts: Buffer[]): number {
    const fd = this.handle.fd;
    let rest = parts;
    let n = 0;
    try {
      while (rest.length > 0) {
        const k = writevSync(fd, rest.slice(0, 1024));
        if (k === 0) throw new Error('the file took no bytes');
        n += k;
        rest = skipBytes(rest, k);
      }
    } catch (err) {
      this.lastWriteError = describe(err);
      try {
        ftruncateSync(fd, this.diskSize);
      } catch {
        // The retry's outcome says how things stand.
      }
      throw err;
    }
    return n;
  }

  /** Writes `parts` at the end of a file of `size` bytes; on failure cuts it back to `size`. */
  private async writeOrKeep(handle: FileHandle, parts: Buffer[], size: number): Promise<number> {
    try {
      await writeAll(handle, parts);
    } catch (err) {
      this.lastWriteError = describe(err);
      await handle.truncate(size).catch(() => undefined);
      throw err;
    }
    let n = 0;
    for (const p of parts) n += p.length;
    return n;
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private markDurable(written: number): void {
    const seq = this.openMultiAt !== undefined && this.openMultiAt < written ? this.openMultiAt : written;
    if (seq <= this.durable) return;
    this.durable = seq;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.seq <= seq) n++;
    if (n === 0) return;
    for (const w of this.waiters.splice(0, n)) w.resolve();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function byteLength(parts: readonly Buffer[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}
