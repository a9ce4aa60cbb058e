import { WireType } from './proto-reader.js';

/**
 * A writer of protobuf's wire format, the counterpart of ProtoReader: for building messages
 * and for rewriting parts of one (copy its other fields with `raw`, write the changed ones, and
 * wrap the result as a field of the enclosing message, which gives it its new length).
 *
 * ```ts
 * const type = new ProtoWriter().message(1, new ProtoWriter().varint(1, 1)); // tensor_type { elem_type: FLOAT }
 * const valueInfo = new ProtoWriter().string(1, 'probabilities').message(2, type).finish();
 * ```
 *
 * Varints are written for whole numbers from 0 to 2^53 - 1 (negative int32/int64 values, which
 * protobuf writes as 10-byte two's complement, are refused).
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.size;
  }

  /** A varint field. */
  varint(field: number, value: number): this {
    return this.tag(field, WireType.VARINT).push(encodeVarint(value));
  }

  /** A length-delimited field holding `data`. */
  bytes(field: number, data: Uint8Array): this {
    return this.tag(field, WireType.LEN).push(encodeVarint(data.byteLength)).push(data);
  }

  /** A length-delimited field holding `text` as UTF-8. */
  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  /** A nested message: `inner`'s bytes as a length-delimited field. */
  message(field: number, inner: ProtoWriter): this {
    this.tag(field, WireType.LEN).push(encodeVarint(inner.length));
    for (const part of inner.parts) this.push(part);
    return this;
  }

  /** Bytes that already are encoded fields (ProtoReader's `raw()`), copied as they are. */
  raw(encoded: Uint8Array): this {
    return this.push(encoded);
  }

  /** The message's bytes, in one new buffer. */
  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }

  private tag(field: number, wireType: number): this {
    if (!Number.isSafeInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`invalid field number ${field}`);
    return this.push(encodeVarint(field * 8 + wireType));
  }

  private push(bytes: Uint8Array): this {
    if (bytes.byteLength > 0) this.parts.push(bytes);
    this.size += bytes.byteLength;
    return this;
  }
}

/** The varint encoding of a whole number from 0 to 2^53 - 1. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`varint value must be a whole number from 0 to 2^53 - 1, got ${value}`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}
