import { formatDouble, writeDecimal } from '@modelkv/core';

/** Where replies go: a socket, or anything with the same three methods. */
export interface ReplySink {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

export type Protocol = 2 | 3;

const EMPTY = Buffer.alloc(0);

/** Bulk strings at least this long are handed to the socket as they are, not copied. */
export const ZERO_COPY_BYTES = 16 * 1024;
/** Output blocks start small and grow when one batch of replies needs several. */
const MIN_BLOCK_BYTES = 16 * 1024;
const MAX_BLOCK_BYTES = 64 * 1024;

/**
 * Builds replies for one client. Small replies are appended into an output block; large bulk
 * strings (tensor data, model blobs) are referenced, not copied, and go to the socket between
 * the surrounding protocol bytes in one corked write. Parts of a block already handed to the
 * socket are never written again, so nothing is copied on flush.
 *
 * RESP3 types fall back to their RESP2 forms when the client speaks RESP2 (maps as flat arrays,
 * doubles as bulk strings, nulls as `$-1` / `*-1`).
 */
export class RespWriter {
  protocol: Protocol = 2;

  private block: Buffer = EMPTY;
  private blockSize = MIN_BLOCK_BYTES;
  /** Start of the bytes in `block` not yet sealed into `parts`. */
  private start = 0;
  private pos = 0;
  private readonly parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes handed to sinks so far. */
  written = 0;

  /** Bytes of reply waiting to be flushed. */
  get pendingBytes(): number {
    return this.partsBytes + this.pos - this.start;
  }

  // ---- RESP2 types ------------------------------------------------------------------------

  /** `+OK` and other status lines. The text must not contain CR or LF. */
  simple(text: string): void {
    this.ensure(text.length * 3 + 3);
    this.block[this.pos++] = 0x2b;
    this.text(text);
    this.crlf();
  }

  ok(): void {
    this.simple('OK');
  }

  /** An error line, e.g. `ERR syntax error`. CR and LF are replaced by spaces. */
  error(text: string): void {
    const line = /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
    this.ensure(Buffer.byteLength(line) + 3);
    this.block[this.pos++] = 0x2d;
    this.pos += this.block.write(line, this.pos, 'utf8');
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (typeof n === 'bigint') {
      const s = n.toString();
      this.ensure(s.length + 3);
      this.block[this.pos++] = 0x3a;
      this.pos += this.block.write(s, this.pos, 'latin1');
      this.crlf();
      return;
    }
    this.header(0x3a, n);
  }

  /** A bulk string from bytes; large ones are sent without a copy. */
  bulk(data: Buffer): void {
    const len = data.length;
    if (len >= ZERO_COPY_BYTES) {
      this.header(0x24, len);
      this.seal();
      this.parts.push(data);
      this.partsBytes += len;
      this.ensure(2);
      this.crlf();
      return;
    }
    this.ensure(len + 24);
    this.block[this.pos++] = 0x24;
    this.digits(len);
    this.crlf();
    // TypedArray#set, not Buffer#copy: the same memmove without Node's argument handling.
    this.block.set(data, this.pos);
    this.pos += len;
    this.crlf();
  }

  /** A bulk string from text (UTF-8). */
  bulkString(text: string): void {
    this.bulkEncoded(text, 'utf8');
  }

  /** A bulk string whose chars are bytes (keys as the keyspace holds them). */
  bulkLatin1(text: string): void {
    this.bulkEncoded(text, 'latin1');
  }

  /** `$-1` (RESP3: `_`). */
  nullBulk(): void {
    if (this.protocol === 3) this.raw('_\r\n');
    else this.raw('$-1\r\n');
  }

  /** `*-1` (RESP3: `_`). */
  nullArray(): void {
    if (this.protocol === 3) this.raw('_\r\n');
    else this.raw('*-1\r\n');
  }

  /** Starts an array of `count` elements; the caller writes them next. */
  array(count: number): void {
    this.header(0x2a, count);
  }

  // ---- RESP3 types, with their RESP2 forms -------------------------------------------------

  /** Starts a map of `count` key/value pairs (RESP2: a flat array of 2×count). */
  map(count: number): void {
    if (this.protocol === 3) this.header(0x25, count);
    else this.header(0x2a, count * 2);
  }

  /** Starts a set (RESP2: an array). */
  set(count: number): void {
    this.header(this.protocol === 3 ? 0x7e : 0x2a, count);
  }

  /** A double: `,1.5` in RESP3, a bulk string in RESP2, formatted as Redis does (%.17g). */
  double(x: number): void {
    const text = formatDouble(x);
    if (this.protocol === 3) {
      this.ensure(text.length + 3);
      this.block[this.pos++] = 0x2c;
      this.pos += this.block.write(text, this.pos, 'latin1');
      this.crlf();
    } else {
      this.bulkEncoded(text, 'latin1');
    }
  }

  /** A boolean: `#t` / `#f` in RESP3, `:1` / `:0` in RESP2. */
  bool(value: boolean): void {
    if (this.protocol === 3) this.raw(value ? '#t\r\n' : '#f\r\n');
    else this.raw(value ? ':1\r\n' : ':0\r\n');
  }

  /** Text meant to be shown as is (INFO, CLIENT LIST): `=` verbatim in RESP3, bulk in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.protocol !== 3) {
      this.bulkString(text);
      return;
    }
    const len = Buffer.byteLength(text) + 4;
    this.ensure(len + 24);
    this.header(0x3d, len);
    this.pos += this.block.write(`${format}:`, this.pos, 'latin1');
    this.pos += this.block.write(text, this.pos, 'utf8');
    this.crlf();
  }

  // ---- output -----------------------------------------------------------------------------

  /**
   * Hands everything pending to the sink, corked into one write when there are several parts.
   * Returns the sink's last write result (false: its buffer is full, wait for 'drain').
   */
  flushTo(sink: ReplySink, maxBytes = Infinity): boolean {
    this.seal();
    if (maxBytes < this.partsBytes) return this.flushSome(sink, maxBytes);
    const parts = this.parts;
    const n = parts.length;
    if (n === 0) return true;
    let ok = true;
    if (n === 1) {
      ok = sink.write(parts[0]!);
    } else {
      sink.cork();
      for (let i = 0; i < n; i++) ok = sink.write(parts[i]!);
      sink.uncork();
    }
    this.written += this.partsBytes;
    parts.length = 0;
    this.partsBytes = 0;
    return ok;
  }

  /** Hands the first `maxBytes` pending bytes to the sink, keeping the rest. */
  private flushSome(sink: ReplySink, maxBytes: number): boolean {
    if (maxBytes <= 0) return true;
    const parts = this.parts;
    let i = 0;
    let left = maxBytes;
    let ok = true;
    sink.cork();
    while (left > 0) {
      const p = parts[i]!;
      if (p.length <= left) {
        ok = sink.write(p);
        left -= p.length;
        i++;
      } else {
        ok = sink.write(p.subarray(0, left));
        parts[i] = p.subarray(left);
        left = 0;
      }
    }
    sink.uncork();
    parts.splice(0, i);
    this.partsBytes -= maxBytes;
    this.written += maxBytes;
    return ok;
  }

  /** Drops everything pending (the client is gone). */
  discard(): void {
    this.parts.length = 0;
    this.partsBytes = 0;
    this.start = this.pos;
  }

  // ---- internals --------------------------------------------------------------------------

  private bulkEncoded(text: string, encoding: 'utf8' | 'latin1'): void {
    const len = encoding === 'latin1' ? text.length : Buffer.byteLength(text);
    if (len >= ZERO_COPY_BYTES) {
      this.bulk(Buffer.from(text, encoding));
      return;
    }
    this.ensure(len + 24);
    this.block[this.pos++] = 0x24;
    this.digits(len);
    this.crlf();
    this.pos += this.block.write(text, this.pos, encoding);
    this.crlf();
  }

  /** Writes `<type><n>\r\n`; a one-digit n (the common array, shape and length) in place. */
  private header(type: number, n: number): void {
    this.ensure(24);
    const block = this.block;
    let p = this.pos;
    block[p++] = type;
    if (n >= 0 && n < 10) {
      block[p++] = 0x30 + n;
    } else {
      this.pos = p;
      this.digits(n);
      p = this.pos;
    }
    block[p] = 0x0d;
    block[p + 1] = 0x0a;
    this.pos = p + 2;
  }

  private raw(ascii: string): void {
    this.ensure(ascii.length);
    this.pos += this.block.write(ascii, this.pos, 'latin1');
  }

  private crlf(): void {
    this.block[this.pos] = 0x0d;
    this.block[this.pos + 1] = 0x0a;
    this.pos += 2;
  }

  /** Writes text as UTF-8 (room for it must be ensured); short ASCII is copied char by char. */
  private text(text: string): void {
    const n = text.length;
    if (n <= 32) {
      const block = this.block;
      let p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) break;
        block[p++] = c;
      }
      if (i === n) {
        this.pos = p;
        return;
      }
    }
    this.pos += this.block.write(text, this.pos, 'utf8');
  }

  /** Writes an integer in decimal (room for it must be ensured). */
  private digits(n: number): void {
    const block = this.block;
    if (n >= 0 && n < 10) {
      block[this.pos++] = 0x30 + n;
      return;
    }
    if (!Number.isSafeInteger(n)) {
      this.pos += block.write(String(n), this.pos, 'latin1');
      return;
    }
    if (n < 0) {
      block[this.pos++] = 0x2d;
      n = -n;
    }
    this.pos = writeDecimal(block, this.pos, n);
  }

  /** Moves the unsealed bytes of the block into `parts`. */
  private seal(): void {
    if (this.pos > this.start) {
      const part = this.block.subarray(this.start, this.pos);
      this.parts.push(part);
      this.partsBytes += part.length;
      this.start = this.pos;
    }
  }

  /** Makes room for `bytes` more bytes in the block. */
  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.block.length) return;
    this.seal();
    // Filling a whole block before a flush means this client gets bigger batches: grow.
    if (this.parts.length > 0 && this.blockSize < MAX_BLOCK_BYTES) this.blockSize *= 2;
    this.block = Buffer.allocUnsafeSlow(Math.max(this.blockSize, bytes));
    this.start = 0;
    this.pos = 0;
  }
}
