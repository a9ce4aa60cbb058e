import { type StoreView, recordOf } from '@modelkv/core';
import { crc32, crc32Yielding } from './crc32.js';
import type { FileSink } from './file-sink.js';
import {
  END_BYTES,
  RECORD_END,
  RECORD_MODEL,
  RECORD_SCRIPT,
  RECORD_TENSOR,
  encodeFields,
  encodeHeader,
  encodeRecordHead,
  encodeTensorMeta,
  modelFields,
  scriptFields,
} from './snapshot-format.js';

export interface SnapshotProgress {
  /** Keys written so far. */
  keys: number;
  /** Keys to write, once known. */
  total?: number;
}

/** Thrown when a save is stopped on purpose (FLUSHALL, SHUTDOWN during a background save). */
export class SaveAborted extends Error {
  constructor() {
    super('the save was stopped');
    this.name = 'SaveAborted';
  }
}

/**
 * Writes every entry of `view` to `sink` in the snapshot format. Values go to the file by
 * reference (they are immutable); checksums are computed in slices and writes batched, so the
 * event loop keeps serving clients while a large keyspace is written.
 */
export async function writeSnapshot(sink: FileSink, view: StoreView, progress: SnapshotProgress, signal?: AbortSignal): Promise<void> {
  const header = encodeHeader(Date.now());
  const headerCrc = u32(crc32(header.subarray(0, 20)));
  header.set(headerCrc, 20);
  sink.frames.raw(header);
  let fileCrc = crc32(headerCrc);
  let count = 0;
  progress.total = view.total;
  try {
    for (let entry = view.next(); entry !== undefined; entry = view.next()) {
      if (signal?.aborted) throw new SaveAborted();
      const [key, value] = entry;
      const record = recordOf(value);
      let type: number;
      let meta: Buffer;
      let payload: Buffer;
      switch (record.kind) {
        case 'tensor':
          type = RECORD_TENSOR;
          meta = encodeTensorMeta(record.tensor.dtype, record.tensor.shape);
          payload = record.tensor.data;
          break;
        case 'model':
          type = RECORD_MODEL;
          meta = encodeFields(modelFields(record.model));
          payload = record.model.blob;
          break;
        case 'script':
          type = RECORD_SCRIPT;
          meta = encodeFields(scriptFields(record.script));
          payload = Buffer.from(record.script.source, 'utf8');
          break;
      }
      const head = encodeRecordHead(type, key, meta, payload.length);
      const crc = u32(await crc32Yielding(payload, crc32(head)));
      sink.frames.raw(head);
      sink.frames.raw(payload);
      sink.frames.raw(crc);
      fileCrc = crc32(crc, fileCrc);
      count++;
      progress.keys = count;
      await sink.maybeFlush();
    }
  } finally {
    view.close();
  }
  const end = Buffer.alloc(END_BYTES);
  end[0] = RECORD_END;
  end.writeBigUInt64LE(BigInt(count), 1);
  fileCrc = crc32(end.subarray(1, 9), fileCrc);
  end.writeUInt32LE(fileCrc, 9);
  sink.frames.raw(end);
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}
