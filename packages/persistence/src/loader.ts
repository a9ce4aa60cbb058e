import { truncate } from 'node:fs/promises';
import type { Engine, Logger, RestoreOptions } from '@modelkv/core';
import { type AofOperation, parseAofCommand } from './aof-commands.js';
import { AofReader } from './aof-reader.js';
import { FileReader, UnexpectedEof } from './file-reader.js';
import { SNAPSHOT_MAGIC } from './snapshot-format.js';
import { LoadError, Replayer } from './replay.js';
import { FormatError, SnapshotReader, startsWithSnapshot } from './snapshot-reader.js';

export { LoadError };

export interface LoadProgress {
  totalBytes: number;
  loadedBytes: number;
  keys: number;
}

export interface LoadResult {
  readonly keys: number;
  /** Bytes of the file kept (less than its size when a cut-off tail was dropped). */
  readonly validBytes: number;
  readonly truncated: boolean;
}

export interface LoadTarget {
  readonly engine: Engine;
  readonly restore: RestoreOptions;
  readonly logger: Logger;
  readonly progress: LoadProgress;
}

/** Loads a snapshot file into the engine, record by record. Any damage refuses the whole file. */
export async function loadSnapshot(path: string, target: LoadTarget): Promise<LoadResult> {
  const reader = await FileReader.open(path);
  target.progress.totalBytes = reader.size;
  try {
    const snapshot = new SnapshotReader(reader, target.engine.maxTensorBytes);
    const keys = await readSnapshotInto(snapshot, reader, path, target);
    if (reader.remaining > 0)
      throw new LoadError(`${path}: ${reader.remaining} bytes follow the end of the snapshot (at offset ${reader.offset})`);
    return { keys, validBytes: reader.size, truncated: false };
  } finally {
    await reader.close();
  }
}

async function readSnapshotInto(snapshot: SnapshotReader, reader: FileReader, path: string, target: LoadTarget): Promise<number> {
  let keys = 0;
  const replay = new Replayer(target.engine, target.restore);
  try {
    await snapshot.readHeader();
    for (let r = await snapshot.next(); r !== undefined; r = await snapshot.next()) {
      await replay.apply({ op: 'set', key: r.key, record: r.record }, `${path} (offset ${snapshot.recordOffset})`);
      keys++;
      target.progress.keys++;
      target.progress.loadedBytes = reader.offset;
    }
    await replay.finish();
  } catch (err) {
    if (err instanceof FormatError) throw new LoadError(`${path}: bad snapshot: ${err.message}`);
    if (err instanceof UnexpectedEof) {
      throw new LoadError(`${path}: the snapshot is cut short (at offset ${snapshot.recordOffset}, the file has ${reader.size} bytes)`);
    }
    throw err;
  }
  return keys;
}

export interface AofLoadOptions {
  /** Load what is complete when the file ends inside a command (and cut the rest off). */
  readonly loadTruncated: boolean;
  /** Whether it is the last file of the append-only file (only that one may be cut short). */
  readonly last: boolean;
}

/**
 * Replays an append-only file: an optional snapshot preamble, then commands. A file that ends
 * inside a command or inside a transaction (a crash mid-write) is loaded up to the last whole
 * one and cut there when `loadTruncated` is set; any other damage refuses the file, naming the
 * offset.
 */
export async function loadAof(path: string, target: LoadTarget, options: AofLoadOptions): Promise<LoadResult> {
  const reader = await FileReader.open(path);
  target.progress.totalBytes = reader.size;
  let keys = 0;
  let validBytes = 0;
  let cutAt: number | undefined;
  const replay = new Replayer(target.engine, target.restore);
  try {
    if ((await reader.fill(SNAPSHOT_MAGIC.length)) && startsWithSnapshot(reader.peek())) {
      keys += await readSnapshotInto(new SnapshotReader(reader, target.engine.maxTensorBytes), reader, path, target);
      validBytes = reader.offset;
    }
    const commands = new AofReader(reader);
    let transaction: { start: number; ops: AofOperation[] } | undefined;
    for (;;) {
      let cmd;
      try {
        cmd = await commands.next();
      } catch (err) {
        if (err instanceof UnexpectedEof) {
          cutAt = transaction ? transaction.start : validBytes;
          break;
        }
        if (err instanceof FormatError) {
          throw new LoadError(
            `Bad file format reading the append only file ${path} at offset ${err.offset}: ${err.reason}. Make a backup of the file, then use modelkv-check-aof --fix <file>`,
          );
        }
        throw err;
      }
      if (cmd === undefined) {
        if (transaction) cutAt = transaction.start;
        break;
      }
      let op: AofOperation;
      try {
        op = parseAofCommand(cmd.argv, target.engine.maxTensorBytes);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new LoadError(`Bad command in the append only file ${path} at offset ${cmd.start}: ${why}`);
      }
      if (op.op === 'multi') {
        if (transaction) throw new LoadError(`Bad file format in ${path} at offset ${cmd.start}: MULTI inside MULTI`);
        transaction = { start: cmd.start, ops: [] };
        continue;
      }
      if (op.op === 'exec') {
        if (!transaction) throw new LoadError(`Bad file format in ${path} at offset ${cmd.start}: EXEC without MULTI`);
        for (const queued of transaction.ops) await replay.apply(queued, `${path} (offset ${transaction.start})`);
        transaction = undefined;
      } else if (transaction) {
        transaction.ops.push(op);
        continue;
      } else {
        await replay.apply(op, `${path} (offset ${cmd.start})`);
      }
      validBytes = cmd.end;
      target.progress.loadedBytes = cmd.end;
    }
    await replay.finish();
  } finally {
    await reader.close();
  }
  if (cutAt === undefined) return { keys, validBytes: reader.size, truncated: false };
  if (!options.last) {
    throw new LoadError(
      `Unexpected end of file reading the append only file ${path} (the last whole command ends at offset ${cutAt} of ${reader.size} bytes): only the last file of the append only file can be cut short; this one is damaged`,
    );
  }
  if (!options.loadTruncated) {
    throw new LoadError(
      `Unexpected end of file reading the append only file ${path} (the last whole command ends at offset ${cutAt} of ${reader.size} bytes). You can: 1) make a backup of the file, then use modelkv-check-aof --fix <file>; 2) set aof-load-truncated to yes and start again`,
    );
  }
  target.logger.warning(
    `!!! Warning: short read while loading the AOF file ${path}!!! AOF loaded anyway because aof-load-truncated is enabled; the last ${reader.size - cutAt} bytes (an incomplete command or transaction) were cut off`,
    { file: path, kept: cutAt, size: reader.size },
  );
  await truncate(path, cutAt);
  return { keys, validBytes: cutAt, truncated: true };
}
