import { type FileHandle, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreView, ValueStore } from '@modelkv/core';
import { valueCommand } from './aof-commands.js';
import {
  type AofFileEntry,
  EMPTY_MANIFEST,
  type Manifest,
  baseName,
  incrName,
  nextSeqs,
  readManifest,
  removeFiles,
  writeManifest,
} from './aof-manifest.js';
import { AofWriter, type FsyncPolicy } from './aof-writer.js';
import { FileSink } from './file-sink.js';
import { LoadError, type LoadTarget, loadAof } from './loader.js';
import { SaveAborted, type SnapshotProgress, writeSnapshot } from './snapshot-writer.js';

export interface RewriteOptions {
  /** The new base is a snapshot (aof-use-rdb-preamble) or commands. */
  readonly preamble: boolean;
  readonly signal: AbortSignal;
  readonly progress: SnapshotProgress;
  /** Runs `fn` between groups of changes (never inside a transaction being applied). */
  readonly outsideGroup: (fn: () => void) => void;
  /** When there is no writer yet: make one with this policy on the new incremental file (turning the file on). */
  readonly start?: { readonly policy: FsyncPolicy; readonly attach: (writer: AofWriter) => void };
}

/**
 * The append-only file: a directory (`appenddirname`) holding a base, incremental files and the
 * manifest that lists them (see aof-manifest.ts), and the writer appending to the last
 * incremental file. Without a writer it is the files only (a rewrite while the file is off).
 */
export class AppendOnlyFile {
  private constructor(
    readonly dir: string,
    readonly name: string,
    private manifest: Manifest,
    public writer: AofWriter | undefined,
    /** Bytes of the base file. */
    public baseSize: number,
    /** Bytes of the incremental files before the one being written. */
    private olderIncrBytes: number,
  ) {}

  /** Bytes of all the files. */
  get size(): number {
    return this.baseSize + this.olderIncrBytes + (this.writer?.fileSize ?? 0);
  }

  /**
   * Loads the files the manifest lists into the engine (the base, then each incremental file in
   * order; only the last may be cut short), then appends to the last incremental file, or to a
   * new one. Creates the directory and the manifest when there are none.
   */
  static async openAndLoad(
    dir: string,
    name: string,
    policy: FsyncPolicy,
    target: LoadTarget,
    loadTruncated: boolean,
  ): Promise<AppendOnlyFile> {
    await mkdir(dir, { recursive: true });
    let manifest: Manifest;
    try {
      manifest = (await readManifest(dir, name)) ?? EMPTY_MANIFEST;
    } catch (err) {
      throw new LoadError(`${join(dir, name)}.manifest: ${err instanceof Error ? err.message : String(err)}`);
    }
    const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
    let baseSize = 0;
    let incrBytes = 0;
    for (const [i, f] of files.entries()) {
      const path = join(dir, f.name);
      const last = i === files.length - 1;
      const result = await loadAof(path, target, { loadTruncated: last && loadTruncated, last });
      if (f.type === 'b') baseSize = result.validBytes;
      else if (!last) incrBytes += result.validBytes;
    }
    let current = manifest.incrs.at(-1);
    if (!current) {
      current = { name: incrName(name, nextSeqs(manifest).incr), seq: nextSeqs(manifest).incr, type: 'i' };
      manifest = { base: manifest.base, incrs: [...manifest.incrs, current] };
      const handle = await open(join(dir, current.name), 'a');
      await handle.close();
      await writeManifest(dir, name, manifest);
    }
    const writer = await AofWriter.open(join(dir, current.name), policy);
    return new AppendOnlyFile(dir, name, manifest, writer, baseSize, incrBytes);
  }

  /** The files only, for a rewrite while the append-only file is off (or being turned on). */
  static async files(dir: string, name: string): Promise<AppendOnlyFile> {
    await mkdir(dir, { recursive: true });
    const manifest = (await readManifest(dir, name)) ?? EMPTY_MANIFEST;
    return new AppendOnlyFile(dir, name, manifest, undefined, 0, 0);
  }

  /**
   * Rewrites the file without stopping clients, as Redis 7 does: a new incremental file takes
   * the appends from one moment on (listed in the manifest first, so a crash loses nothing), the
   * keyspace as of that moment is written as the new base in the background, and the manifest
   * then names the new base and the new incremental file; the old files are removed.
   */
  async rewrite(store: ValueStore, options: RewriteOptions): Promise<void> {
    const seqs = nextSeqs(this.manifest);
    const appending = this.writer !== undefined || options.start !== undefined;
    let incr: AofFileEntry | undefined;
    let handle: FileHandle | undefined;
    if (appending) {
      incr = { name: incrName(this.name, seqs.incr), seq: seqs.incr, type: 'i' };
      handle = await open(join(this.dir, incr.name), 'a');
      if (this.writer) {
        this.manifest = { base: this.manifest.base, incrs: [...this.manifest.incrs, incr] };
        await writeManifest(this.dir, this.name, this.manifest);
      }
    }
    const old = [...(this.manifest.base ? [this.manifest.base] : []), ...this.manifest.incrs].filter((f) => f !== incr);
    const view = await new Promise<StoreView>((resolve) => {
      options.outsideGroup(() => {
        if (handle) {
          if (this.writer) {
            const written = this.size - this.baseSize;
            this.writer.rotate(handle);
            this.olderIncrBytes = written;
          } else if (options.start) {
            this.writer = new AofWriter(handle, 0, options.start.policy);
            options.start.attach(this.writer);
          }
        }
        resolve(store.view());
      });
    });
    const base: AofFileEntry = { name: baseName(this.name, seqs.base, options.preamble), seq: seqs.base, type: 'b' };
    const temp = join(this.dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    let size: number;
    try {
      size = await writeBase(view, temp, options);
      await rename(temp, join(this.dir, base.name));
      this.manifest = { base, incrs: incr ? [incr] : [] };
      await writeManifest(this.dir, this.name, this.manifest);
    } catch (err) {
      view.close();
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    this.baseSize = size;
    this.olderIncrBytes = 0;
    await removeFiles(
      this.dir,
      old.map((f) => f.name),
    );
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}

/** Writes the keyspace of `view` to `temp` as a snapshot or as commands, synced; returns its size. */
async function writeBase(view: StoreView, temp: string, options: RewriteOptions): Promise<number> {
  const sink = await FileSink.create(temp);
  try {
    if (options.preamble) {
      await writeSnapshot(sink, view, options.progress, options.signal);
    } else {
      for (let e = view.next(); e !== undefined; e = view.next()) {
        if (options.signal.aborted) throw new SaveAborted();
        sink.frames.command(valueCommand(e[0], e[1]));
        options.progress.keys++;
        await sink.maybeFlush();
      }
    }
    await sink.sync();
  } finally {
    view.close();
    await sink.close();
  }
  // The directory is synced with the manifest, after the rename.
  return (await stat(temp)).size;
}
