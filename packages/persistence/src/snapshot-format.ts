import { ReplyError, type BackendName, DTYPES, type DType, type ModelSetArgs, type ScriptSetArgs, parseBackendName } from '@modelkv/core';

/**
 * The snapshot file format, version 1 (described for people in FORMAT.md). All integers are
 * little-endian.
 *
 *   header   "MODELKVS" | u16 version | u16 flags (0) | u64 created (ms since the epoch) | u32 CRC
 *   record*  u8 type | u32 key length | key | u32 meta length | meta | u64 payload length | payload | u32 CRC
 *   end      u8 0xFF | u64 record count | u32 file CRC
 *
 * A record's CRC covers its bytes from the type on; the header's covers its first 20 bytes; the
 * file CRC covers the header's and every record's 4 CRC bytes, in order, then the record count.
 */
export const SNAPSHOT_MAGIC = Buffer.from('MODELKVS', 'latin1');
export const SNAPSHOT_VERSION = 1;
export const HEADER_BYTES = 24;
export const END_BYTES = 1 + 8 + 4;

export const RECORD_TENSOR = 1;
export const RECORD_MODEL = 2;
export const RECORD_SCRIPT = 3;
export const RECORD_END = 0xff;

/** Bytes before the key and meta in a record head: type, key length. */
export const RECORD_PREFIX_BYTES = 5;

/** Field value kinds in model and script metadata. */
const FIELD_STRING = 0;
const FIELD_LIST = 1;
const FIELD_INT = 2;

export type FieldValue = string | readonly string[] | number;

export function encodeHeader(createdMs: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(b, 0);
  b.writeUInt16LE(SNAPSHOT_VERSION, 8);
  b.writeUInt16LE(0, 10);
  b.writeBigUInt64LE(BigInt(createdMs), 12);
  return b;
}

/** Type, key, meta and payload length: everything of a record before its payload. */
export function encodeRecordHead(type: number, key: string, meta: Buffer, payloadBytes: number): Buffer {
  const keyBytes = Buffer.byteLength(key, 'latin1');
  const b = Buffer.allocUnsafe(RECORD_PREFIX_BYTES + keyBytes + 4 + meta.length + 8);
  let o = 0;
  b[o++] = type;
  b.writeUInt32LE(keyBytes, o);
  o += 4;
  o += b.write(key, o, 'latin1');
  b.writeUInt32LE(meta.length, o);
  o += 4;
  meta.copy(b, o);
  o += meta.length;
  b.writeBigUInt64LE(BigInt(payloadBytes), o);
  return b;
}

export function encodeTensorMeta(dtype: DType, shape: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(1 + dtype.length + 4 + 8 * shape.length);
  let o = 0;
  b[o++] = dtype.length;
  o += b.write(dtype, o, 'latin1');
  b.writeUInt32LE(shape.length, o);
  o += 4;
  for (const d of shape) {
    b.writeBigUInt64LE(BigInt(d), o);
    o += 8;
  }
  return b;
}

export function decodeTensorMeta(meta: Buffer): { dtype: DType; shape: number[] } {
  const r = new MetaReader(meta);
  const name = r.bytes(r.u8()).toString('latin1');
  if (!(DTYPES as readonly string[]).includes(name)) throw new ReplyError(`unknown dtype '${name.slice(0, 32)}'`);
  const n = r.u32();
  if (n * 8 > r.remaining) throw new ReplyError('tensor dimensions run past the record');
  const shape: number[] = [];
  for (let i = 0; i < n; i++) shape.push(r.u64());
  r.end();
  return { dtype: name as DType, shape };
}

/**
 * Model and script metadata: named fields, each `u8 name length | name | u8 kind | u32 length |
 * value`, where kind 0 is a UTF-8 string, 1 a list (`u32 count`, then `u32 length | UTF-8` each)
 * and 2 a signed 64-bit integer. Named fields let later versions add some (a tag, batching
 * settings) without changing the layout of the others.
 */
export function encodeFields(fields: readonly (readonly [string, FieldValue])[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    let kind: number;
    let body: Buffer;
    if (typeof value === 'string') {
      kind = FIELD_STRING;
      body = Buffer.from(value, 'utf8');
    } else if (typeof value === 'number') {
      kind = FIELD_INT;
      body = Buffer.alloc(8);
      body.writeBigInt64LE(BigInt(value));
    } else {
      kind = FIELD_LIST;
      const items = value.map((v) => Buffer.from(v, 'utf8'));
      body = Buffer.allocUnsafe(4 + items.reduce((n, i) => n + 4 + i.length, 0));
      body.writeUInt32LE(items.length, 0);
      let o = 4;
      for (const item of items) {
        body.writeUInt32LE(item.length, o);
        item.copy(body, o + 4);
        o += 4 + item.length;
      }
    }
    const head = Buffer.allocUnsafe(1 + name.length + 1 + 4);
    head[0] = name.length;
    head.write(name, 1, 'latin1');
    head[1 + name.length] = kind;
    head.writeUInt32LE(body.length, 2 + name.length);
    parts.push(head, body);
  }
  return Buffer.concat(parts);
}

export function decodeFields(meta: Buffer): Map<string, FieldValue> {
  const r = new MetaReader(meta);
  const out = new Map<string, FieldValue>();
  while (r.remaining > 0) {
    const name = r.bytes(r.u8()).toString('latin1');
    const kind = r.u8();
    const body = new MetaReader(r.bytes(r.u32()));
    let value: FieldValue;
    if (kind === FIELD_STRING) {
      value = body.bytes(body.remaining).toString('utf8');
    } else if (kind === FIELD_INT) {
      value = Number(body.i64());
    } else if (kind === FIELD_LIST) {
      const n = body.u32();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(body.bytes(body.u32()).toString('utf8'));
      value = items;
    } else {
      throw new ReplyError(`field '${name}' has an unknown kind ${kind}`);
    }
    body.end();
    if (out.has(name)) throw new ReplyError(`field '${name}' appears twice`);
    out.set(name, value);
  }
  return out;
}

/**
 * A model's fields. `tag`, `batchsize`, `minbatchsize` and `minbatchtimeout` are written only when
 * they are set (a TAG, batching), so that a model without them is read by every version 1 reader.
 */
export function modelFields(m: ModelSetArgs): [string, FieldValue][] {
  const fields: [string, FieldValue][] = [
    ['backend', m.backend],
    ['device', m.device],
    ['inputs', m.inputs ?? []],
    ['outputs', m.outputs ?? []],
  ];
  if (m.tag) fields.push(['tag', m.tag]);
  const b = m.batching;
  if (b && b.batchSize > 0) {
    fields.push(['batchsize', b.batchSize], ['minbatchsize', b.minBatchSize], ['minbatchtimeout', b.minBatchTimeoutMs]);
  }
  return fields;
}

export function modelFromFields(fields: Map<string, FieldValue>, blob: Buffer): ModelSetArgs {
  const backend: BackendName = parseBackendName(stringField(fields, 'backend'));
  const model: ModelSetArgs = {
    backend,
    device: stringField(fields, 'device'),
    tag: optionalString(fields, 'tag'),
    batching: {
      batchSize: intField(fields, 'batchsize'),
      minBatchSize: intField(fields, 'minbatchsize'),
      minBatchTimeoutMs: intField(fields, 'minbatchtimeout'),
    },
    inputs: listField(fields, 'inputs'),
    outputs: listField(fields, 'outputs'),
    blob,
  };
  refuseUnknown(fields, ['backend', 'device', 'inputs', 'outputs', 'tag', 'batchsize', 'minbatchsize', 'minbatchtimeout'], 'model');
  return model;
}

/** A script's fields; `tag` and `entry_points` only when set, as for models. */
export function scriptFields(s: ScriptSetArgs): [string, FieldValue][] {
  const fields: [string, FieldValue][] = [['device', s.device]];
  if (s.tag) fields.push(['tag', s.tag]);
  if (s.entryPoints && s.entryPoints.length > 0) fields.push(['entry_points', s.entryPoints]);
  return fields;
}

export function scriptFromFields(fields: Map<string, FieldValue>, source: Buffer): ScriptSetArgs {
  const script: ScriptSetArgs = {
    device: stringField(fields, 'device'),
    tag: optionalString(fields, 'tag'),
    entryPoints: listField(fields, 'entry_points'),
    source: source.toString('utf8'),
  };
  refuseUnknown(fields, ['device', 'tag', 'entry_points'], 'script');
  return script;
}

function optionalString(fields: Map<string, FieldValue>, name: string): string {
  return fields.has(name) ? stringField(fields, name) : '';
}

/** A whole number ≥ 0, 0 when absent. */
function intField(fields: Map<string, FieldValue>, name: string): number {
  const v = fields.get(name);
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ReplyError(`field '${name}' is not a whole number`);
  return v;
}

function stringField(fields: Map<string, FieldValue>, name: string): string {
  const v = fields.get(name);
  if (typeof v !== 'string') throw new ReplyError(`field '${name}' is missing or not a string`);
  return v;
}

function listField(fields: Map<string, FieldValue>, name: string): string[] {
  const v = fields.get(name);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ReplyError(`field '${name}' is not a list`);
  return [...(v as readonly string[])];
}

/** A field this version does not know may change what the value means: refuse, never drop it. */
function refuseUnknown(fields: Map<string, FieldValue>, known: readonly string[], what: string): void {
  for (const name of fields.keys()) {
    if (!known.includes(name)) throw new ReplyError(`${what} field '${name.slice(0, 32)}' is not known to this version of modelkv`);
  }
}

/** Reads metadata bytes, with an ReplyError for anything that runs past the end. */
class MetaReader {
  private o = 0;

  constructor(private readonly b: Buffer) {}

  get remaining(): number {
    return this.b.length - this.o;
  }

  u8(): number {
    this.need(1);
    return this.b[this.o++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.o);
    this.o += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.b.readBigUInt64LE(this.o);
    this.o += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ReplyError('a length or dimension is too large');
    return Number(v);
  }

  i64(): bigint {
    this.need(8);
    const v = this.b.readBigInt64LE(this.o);
    this.o += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }

  end(): void {
    if (this.o !== this.b.length) throw new ReplyError('metadata has bytes left over');
  }

  private need(n: number): void {
    if (this.o + n > this.b.length) throw new ReplyError('metadata ends too early');
  }
}
