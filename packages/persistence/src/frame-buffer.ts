import { writeDecimal } from '@modelkv/core';

/** Arguments at least this long are referenced by the buffer, not copied into it. */
const BY_REFERENCE_BYTES = 16 * 1024;
const BLOCK_BYTES = 64 * 1024;

/** One argument of a command: bytes, or a latin1 string (one char per byte, as keys are held). */
export type Arg = Buffer | string;

/**
 * Bytes on their way to a file: RESP commands and raw chunks appended into blocks, large values
 * referenced rather than copied (stored values are immutable, so a reference stays valid).
 * `take()` hands over everything appended so far as a list of buffers for one `writev`.
 */
export class FrameBuffer {
  private block: Buffer = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private start = 0;
  private pos = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;

  /** Bytes appended and not yet taken. */
  get length(): number {
    return this.partsBytes + this.pos - this.start;
  }

  /** Appends `*<n>\r\n` and each argument as a bulk string. */
  command(args: readonly Arg[]): void {
    this.header(0x2a, args.length);
    for (const a of args) {
      if (typeof a === 'string') {
        this.header(0x24, a.length);
        this.ensure(a.length + 2);
        this.pos += this.block.write(a, this.pos, 'latin1');
        this.crlf();
      } else {
        this.header(0x24, a.length);
        this.raw(a);
        this.crlf();
      }
    }
  }

  /** Appends bytes as they are. */
  raw(data: Buffer): void {
    if (data.length >= BY_REFERENCE_BYTES) {
      this.seal();
      this.parts.push(data);
      this.partsBytes += data.length;
      return;
    }
    this.ensure(data.length);
    data.copy(this.block, this.pos);
    this.pos += data.length;
  }

  /** Everything appended since the last take, in order. */
  take(): Buffer[] {
    this.seal();
    const parts = this.parts;
    this.parts = [];
    this.partsBytes = 0;
    return parts;
  }

  /** `<type><n>\r\n`, the digits written in place. */
  private header(type: number, n: number): void {
    this.ensure(24);
    const block = this.block;
    block[this.pos++] = type;
    this.pos = writeDecimal(block, this.pos, n);
    this.crlf();
  }

  private crlf(): void {
    this.ensure(2);
    this.block[this.pos++] = 0x0d;
    this.block[this.pos++] = 0x0a;
  }

  private seal(): void {
    if (this.pos === this.start) return;
    const part = this.block.subarray(this.start, this.pos);
    this.parts.push(part);
    this.partsBytes += part.length;
    this.start = this.pos;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.block.length) return;
    this.seal();
    this.block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, bytes));
    this.start = 0;
    this.pos = 0;
  }
}
