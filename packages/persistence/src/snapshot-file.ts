import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoreView } from '@modelkv/core';
import { crc32 } from './crc32.js';
import { FileSink } from './file-sink.js';
import { END_BYTES, RECORD_END, encodeHeader } from './snapshot-format.js';
import { SaveAborted, type SnapshotProgress, writeSnapshot } from './snapshot-writer.js';

/**
 * Saves a view to `path` the safe way: written to `tempPath`, synced, renamed over `path`, and
 * the directory synced so that the rename is durable too. On failure the temporary file is
 * removed and `path` is untouched.
 */
export async function saveSnapshotFile(
  view: StoreView,
  path: string,
  tempPath: string,
  progress: SnapshotProgress,
  signal?: AbortSignal,
): Promise<void> {
  let sink: FileSink | undefined;
  try {
    sink = await FileSink.create(tempPath);
    await writeSnapshot(sink, view, progress, signal);
    await sink.sync();
    await sink.close();
    sink = undefined;
    if (signal?.aborted) throw new SaveAborted();
    await rename(tempPath, path);
    await syncDirectory(dirname(path));
  } catch (err) {
    view.close();
    await sink?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw err;
  }
}

/** The snapshot of an empty keyspace, written at once (FLUSHALL with save points, as Redis does). */
export function saveEmptySnapshotSync(path: string, tempPath: string): void {
  const header = encodeHeader(Date.now());
  const headerCrc = crc32(header.subarray(0, 20));
  header.writeUInt32LE(headerCrc, 20);
  const crcBytes = header.subarray(20, 24);
  const end = Buffer.alloc(END_BYTES);
  end[0] = RECORD_END;
  end.writeBigUInt64LE(0n, 1);
  end.writeUInt32LE(crc32(end.subarray(1, 9), crc32(crcBytes)), 9);
  const fd = openSync(tempPath, 'w');
  try {
    writeSync(fd, Buffer.concat([header, end]));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tempPath, path);
}

export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot sync a directory; the rename is then as durable as they make it.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
