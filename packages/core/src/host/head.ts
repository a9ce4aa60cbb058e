/**
 * The small, typed part of a frame (its "head"): little-endian integers, doubles and UTF-8
 * strings written one after the other. Readers check every length against what is left, so a
 * malformed head from the other process is an error, never an out-of-bounds read.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export class HeadWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.pos = this.buf.writeUInt16LE(v, this.pos);
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.pos = this.buf.writeUInt32LE(v, this.pos);
    return this;
  }

  f64(v: number): this {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
    return this;
  }

  /** A UTF-8 string with a u32 byte length before it. */
  str(s: string): this {
    const n = Buffer.byteLength(s);
    this.u32(n);
    this.room(n);
    this.pos += this.buf.write(s, this.pos);
    return this;
  }

  /** A JSON document as a string. */
  json(value: unknown): this {
    return this.str(JSON.stringify(value));
  }

  /** The bytes written so far (a view; the writer must not be used afterwards). */
  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class HeadReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new ProtocolError(`message ends inside its ${what}`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'count'): number {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'number'): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what = 'number'): number {
    this.need(8, what);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A whole number in [0, max] stored as a double. */
  count(max: number, what: string): number {
    const v = this.f64(what);
    if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new ProtocolError(`invalid ${what}: ${v}`);
    return v;
  }

  str(what = 'string'): string {
    const n = this.u32(`${what} length`);
    this.need(n, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  json(what = 'document'): unknown {
    const text = this.str(what);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProtocolError(`malformed ${what}`);
    }
  }

  /** Fails unless every byte has been read. */
  end(): void {
    if (this.pos !== this.buf.length) throw new ProtocolError(`${this.buf.length - this.pos} unexpected bytes after the message`);
  }
}
