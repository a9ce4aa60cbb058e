/**
 * A bounds-checked reader of protobuf's wire format, for looking into models (TensorFlow
 * GraphDefs, ONNX ModelProtos) before any native parser sees them. It never reads past the end
 * of the message it was given, takes lengths only after checking them against what is left,
 * refuses nesting deeper than a bound, and copies nothing: nested messages and bytes are views.
 *
 * ```ts
 * const r = new ProtoReader(bytes);
 * while (r.next()) {
 *   if (r.field === 1 && r.wireType === WireType.LEN) names.push(r.string());
 *   else r.skip();
 * }
 * ```
 */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** protobuf's own default recursion limit. */
export const DEFAULT_MAX_PROTO_DEPTH = 100;

/** The bytes are not a well-formed protobuf message (or nest deeper than allowed). */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoError';
  }
}

export class ProtoReader {
  /** The current field's number and wire type, after `next()` returned true. */
  field = 0;
  wireType = 0;
  private pos: number;
  /** Where the current field's tag and value start. */
  private tagStart = 0;
  private valueStart = 0;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
    readonly depth = 0,
    readonly maxDepth = DEFAULT_MAX_PROTO_DEPTH,
  ) {
    if (start < 0 || end > buf.length || start > end) throw new ProtoError('message bounds lie outside the buffer');
    this.pos = start;
  }

  /** Reads the next field's tag; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    this.tagStart = this.pos;
    const tag = this.varint();
    this.valueStart = this.pos;
    this.field = Math.floor(tag / 8);
    this.wireType = tag % 8;
    if (this.field === 0) throw new ProtoError('field number 0');
    if (this.wireType === WireType.SGROUP || this.wireType === WireType.EGROUP) throw new ProtoError('groups are not supported');
    if (this.wireType > WireType.I32) throw new ProtoError(`invalid wire type ${this.wireType}`);
    return true;
  }

  /** A varint field's value (exact up to 2^53; larger values come back rounded). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** A length-delimited field's bytes: a view, not a copy. */
  bytes(): Uint8Array {
    const [start, end] = this.span();
    return this.buf.subarray(start, end);
  }

  /** A length-delimited field as UTF-8 text (invalid sequences become U+FFFD). */
  string(): string {
    const [start, end] = this.span();
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, end - start).toString('utf8');
  }

  /** A length-delimited field read as a nested message. */
  message(): ProtoReader {
    if (this.depth + 1 > this.maxDepth) throw new ProtoError(`messages nest deeper than ${this.maxDepth} levels`);
    const [start, end] = this.span();
    return new ProtoReader(this.buf, start, end, this.depth + 1, this.maxDepth);
  }

  /** Skips the current field's value. */
  skip(): void {
    switch (this.wireType) {
      case WireType.VARINT:
        this.varint();
        return;
      case WireType.I64:
        this.advance(8);
        return;
      case WireType.I32:
        this.advance(4);
        return;
      default:
        this.span();
    }
  }

  /**
   * The current field's whole encoding, tag included (a view, for copying it unchanged); skips
   * its value unless it was read already.
   */
  raw(): Uint8Array {
    if (this.pos === this.valueStart) this.skip();
    return this.buf.subarray(this.tagStart, this.pos);
  }

  private span(): [number, number] {
    if (this.wireType !== WireType.LEN) throw new ProtoError(`field ${this.field} is not length-delimited`);
    const length = this.varint();
    const start = this.pos;
    this.advance(length);
    return [start, this.pos];
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new ProtoError(`field ${this.field} runs past the end of its message`);
    this.pos += n;
  }
}
