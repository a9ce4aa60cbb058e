import { ReplyError, Tensor, type ValueRecord } from '@modelkv/core';
import { crc32, crc32Yielding } from './crc32.js';
import { type FileReader, UnexpectedEof } from './file-reader.js';
import {
  END_BYTES,
  HEADER_BYTES,
  RECORD_END,
  RECORD_MODEL,
  RECORD_SCRIPT,
  RECORD_TENSOR,
  SNAPSHOT_MAGIC,
  SNAPSHOT_VERSION,
  decodeFields,
  decodeTensorMeta,
  modelFromFields,
  scriptFromFields,
} from './snapshot-format.js';

/** The file is not what it should be at `offset`: a bad checksum, an impossible length, ... */
export class FormatError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} (at offset ${offset})`);
    this.name = 'FormatError';
  }
}

export function startsWithSnapshot(head: Buffer): boolean {
  return head.length >= SNAPSHOT_MAGIC.length && head.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC);
}

const MAX_KEY_BYTES = 512 * 1024 * 1024;
const MAX_META_BYTES = 64 * 1024 * 1024;

/**
 * Reads a snapshot record by record, checking every checksum. Errors are FormatError (the bytes
 * are wrong, with the offset) or UnexpectedEof (the file stops early); a record whose bytes are
 * right but whose value cannot be made (a tensor over the size limit) is a FormatError too.
 */
export class SnapshotReader {
  private fileCrc = 0;
  private count = 0;
  /** Offset where the record being read starts. */
  recordOffset = 0;
  createdMs = 0;

  constructor(
    private readonly reader: FileReader,
    private readonly maxTensorBytes: number,
  ) {}

  async readHeader(): Promise<void> {
    const at = this.reader.offset;
    const header = await this.reader.read(HEADER_BYTES);
    if (!startsWithSnapshot(header)) throw new FormatError(at, 'not a modelkv snapshot (bad magic)');
    const crc = header.readUInt32LE(20);
    if (crc32(header.subarray(0, 20)) !== crc) throw new FormatError(at, 'snapshot header checksum mismatch');
    const version = header.readUInt16LE(8);
    if (version > SNAPSHOT_VERSION) {
      throw new FormatError(at, `snapshot format version ${version} is newer than this modelkv reads (${SNAPSHOT_VERSION})`);
    }
    this.createdMs = Number(header.readBigUInt64LE(12));
    this.fileCrc = crc32(header.subarray(20, 24));
  }

  /** The next record, or undefined after the end record (whose checksums are verified). */
  async next(): Promise<{ key: string; record: ValueRecord } | undefined> {
    const r = this.reader;
    const at = r.offset;
    this.recordOffset = at;
    const prefix = await r.read(1);
    const type = prefix[0]!;
    if (type === RECORD_END) {
      const rest = await r.read(END_BYTES - 1);
      const count = Number(rest.readBigUInt64LE(0));
      const crc = crc32(rest.subarray(0, 8), this.fileCrc);
      if (count !== this.count) throw new FormatError(at, `snapshot end says ${count} records, ${this.count} were read`);
      if (crc !== rest.readUInt32LE(8)) throw new FormatError(at, 'snapshot file checksum mismatch');
      return undefined;
    }
    if (type !== RECORD_TENSOR && type !== RECORD_MODEL && type !== RECORD_SCRIPT) throw new FormatError(at, `unknown record type ${type}`);
    const keyLen = (await r.read(4)).readUInt32LE(0);
    if (keyLen > MAX_KEY_BYTES) throw new FormatError(at, `impossible key length ${keyLen}`);
    const keyBytes = await r.read(keyLen);
    const metaLenBuf = await r.read(4);
    const metaLen = metaLenBuf.readUInt32LE(0);
    if (metaLen > MAX_META_BYTES) throw new FormatError(at, `impossible metadata length ${metaLen}`);
    const meta = await r.read(metaLen);
    const payloadLenBuf = await r.read(8);
    const payloadLen = payloadLenBuf.readBigUInt64LE(0);
    if (payloadLen > BigInt(r.remaining)) {
      // Cut short, or a length that was damaged: only the checksum could tell, and it is past the end.
      throw new UnexpectedEof(r.size);
    }
    const payload = await r.read(Number(payloadLen));
    const crcBuf = await r.read(4);
    let crc = crc32(prefix);
    crc = crc32(u32le(keyLen), crc);
    crc = crc32(keyBytes, crc);
    crc = crc32(metaLenBuf, crc);
    crc = crc32(meta, crc);
    crc = crc32(payloadLenBuf, crc);
    crc = await crc32Yielding(payload, crc);
    if (crc !== crcBuf.readUInt32LE(0)) throw new FormatError(at, `checksum mismatch in the record of key '${printable(keyBytes)}'`);
    this.fileCrc = crc32(crcBuf, this.fileCrc);
    this.count++;
    const key = keyBytes.toString('latin1');
    try {
      return { key, record: decodeRecord(type, meta, payload, this.maxTensorBytes) };
    } catch (err) {
      throw new FormatError(
        at,
        `the value of key '${printable(keyBytes)}' cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

function decodeRecord(type: number, meta: Buffer, payload: Buffer, maxTensorBytes: number): ValueRecord {
  switch (type) {
    case RECORD_TENSOR: {
      const { dtype, shape } = decodeTensorMeta(meta);
      return Tensor.fromBlob(dtype, shape, payload, maxTensorBytes);
    }
    case RECORD_MODEL:
      return { kind: 'model', model: modelFromFields(decodeFields(meta), payload) };
    case RECORD_SCRIPT:
      return { kind: 'script', script: scriptFromFields(decodeFields(meta), payload) };
    default:
      throw new ReplyError(`unknown record type ${type}`);
  }
}

function u32le(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A key as a log line can show it: printable ASCII kept, the rest escaped, long keys cut. */
export function printable(key: Buffer | string): string {
  const s = typeof key === 'string' ? key : key.toString('latin1');
  const shown = s.slice(0, 128).replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > 128 ? `${shown}...` : shown;
}
