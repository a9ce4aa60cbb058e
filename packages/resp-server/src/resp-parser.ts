import { parseStrictInt } from './args.js';
import { READ_BUFFER_BYTES, allocReadBuffer, readBufferView, sharedReadBuffer } from './read-buffer.js';
import { ZERO_COPY_BYTES } from './resp-writer.js';

/** Redis's proto-max-bulk-len default: 512 MiB. */
export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
/** Longest inline command or header line without a newline, as Redis's PROTO_INLINE_MAX_SIZE. */
export const MAX_INLINE_LENGTH = 64 * 1024;
/**
 * Bulk strings at least this long get a buffer of their own, which the rest of their data is
 * read straight into; shorter ones are views of the read buffer. No longer than the size from
 * which replies reference a bulk instead of copying it, so a reply never references the read
 * buffer (ECHO).
 */
export const OWN_BULK_BYTES = ZERO_COPY_BYTES;
/** A read is given at least this much room; with less, the buffer is compacted or replaced. */
const MIN_READ_BYTES = 16 * 1024;
const MAX_MULTIBULK_LENGTH = 2147483647;
/** Arguments a multibulk's array is made with room for before any arrives. */
const MAX_PREALLOCATED_ARGS = 1024;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
/** Every empty argument is this one buffer: a request of many `$0` costs one array slot each. */
const EMPTY_ARG = Buffer.alloc(0);
/**
 * What an argument costs beyond its bytes (the Buffer object and its slot in argv), counted in
 * `requestBytes` so that a request of many small arguments meets client-query-buffer-limit.
 */
export const ARG_OVERHEAD_BYTES = 96;

/** A malformed request. The message follows `ERR Protocol error: ` in the reply. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface ParserOptions {
  /** Largest bulk string accepted (proto-max-bulk-len). */
  maxBulkLength?: number;
}

/**
 * A streaming parser for client requests: RESP multibulk (`*N` then `$len` bulk strings) and
 * inline commands (a line of words, with Redis's quoting rules). Binary safe; frames may be split
 * at any byte.
 *
 * The parser provides the memory requests are read into: `readBuffer()` says where the next read
 * should land and `received()` takes note of it (a socket's `onread` option does exactly this),
 * or `feed()` copies data in. A parser with nothing left to parse lends the read buffer that all
 * parsers share, so idle connections hold no memory; bytes still unparsed once a read's commands
 * have been taken (a partial command, or commands held back while the connection waits) move to
 * a buffer of the parser's own. Once the header of a long bulk string (OWN_BULK_BYTES or more)
 * has arrived, the bulk gets a buffer of its exact size and the rest of its data is read straight
 * into it, so large values cost no copy beyond the part that came with the header.
 *
 * The arguments `next()` returns are valid while the command runs synchronously: short ones view
 * a read buffer, which the next read (of any connection) overwrites. Whatever is kept must be
 * copied (ownBuffer), and a command that waits must be given copies.
 */
export class RespParser {
  maxBulkLength: number;

  /** The shared read buffer or the parser's own: bytes [pos, end) are received, not yet parsed. */
  private buf: Buffer = EMPTY;
  /** buf's memory and where buf starts in it, read once per buffer (`buf.buffer` calls into C++). */
  private memory: ArrayBufferLike = EMPTY.buffer;
  private memoryOffset = 0;
  /** buf[0, end): what parsing looks at, so that searches stop at the data received. */
  private data: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** Bytes after the start of the line in progress already searched for its end. */
  private scanned = 0;
  /** The region the last readBuffer() returned, which the next received() refers to. */
  private lent: Buffer | null = null;

  /** Arguments still expected by the multibulk in progress; 0 when between commands. */
  private argsLeft = 0;
  private argv: Buffer[] = [];
  /** argv[0, owned) no longer view a read buffer (see ownArgs). */
  private owned = 0;
  /** Bytes of argv so far, each argument with ARG_OVERHEAD_BYTES. */
  private argBytes = 0;
  /** Arguments of the multibulk in progress stored in argv so far. */
  private argc = 0;
  /** Length of a short bulk whose header was parsed and whose data has not all arrived, or -1. */
  private pendingLength = -1;
  /** A long bulk's own buffer (its data, then CRLF), filled as data arrives. */
  private bulk: Buffer | null = null;
  private bulkFill = 0;
  /** CRLF bytes still expected after the last short bulk's data. */
  private crlfLeft = 0;
  /** Where the line `quickHeader()` read last ends (past its CRLF). */
  private lineEnd = 0;

  constructor(options: ParserOptions = {}) {
    this.maxBulkLength = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
  }

  /** Bytes received and not yet consumed (for CLIENT LIST's qbuf). */
  get bufferedBytes(): number {
    return this.end - this.pos + (this.bulk === null ? 0 : this.bulkFill);
  }

  /**
   * Memory the request in progress holds (client-query-buffer-limit): the bytes received and not
   * parsed, the whole buffer of a long bulk under way, and the arguments parsed so far.
   */
  get requestBytes(): number {
    return this.end - this.pos + (this.bulk === null ? 0 : this.bulk.length) + this.argBytes;
  }

  /**
   * Where the next read should land: the rest of the long bulk in progress, or room after the
   * unparsed bytes. Call it once the commands of the last read have been taken: it first moves
   * what is left unparsed out of the shared buffer (see `settle()`). The next `received()` must
   * refer to the region returned by the last call.
   */
  readBuffer(): Buffer {
    const bulk = this.bulk;
    if (bulk !== null && this.pos === this.end && this.bulkFill < bulk.length) {
      this.lent = bulk.subarray(this.bulkFill);
    } else {
      this.settle();
      if (this.pos === this.end) {
        this.useBuffer(sharedReadBuffer());
        this.pos = 0;
        this.end = 0;
        this.data = EMPTY;
      }
      this.lent = this.buf.subarray(this.end);
    }
    return this.lent;
  }

  /**
   * Moves the bytes still unparsed to the start of the parser's own buffer, with room for a read
   * after them, so that the shared buffer can take another connection's read. `readBuffer()`
   * does it; a caller feeding data in must call it before another parser is fed.
   */
  settle(): void {
    const tail = this.end - this.pos;
    if (tail === 0) return;
    if (this.buf !== sharedReadBuffer() && this.buf.length - tail >= MIN_READ_BYTES) {
      if (this.pos === 0) return;
      this.buf.copyWithin(0, this.pos, this.end);
    } else {
      const own = allocReadBuffer(Math.max(READ_BUFFER_BYTES, 2 * tail + MIN_READ_BYTES));
      this.buf.copy(own, 0, this.pos, this.end);
      this.useBuffer(own);
    }
    this.pos = 0;
    this.end = tail;
    this.data = this.buf.subarray(0, tail);
  }

  private useBuffer(buf: Buffer): void {
    this.buf = buf;
    this.memory = buf.buffer;
    this.memoryOffset = buf.byteOffset;
  }

  /** `n` bytes were read into `region`, the region readBuffer() returned last. */
  received(n: number, region: Uint8Array): void {
    if (n <= 0) return;
    if (region !== this.lent) {
      // Not where the data was expected: take a copy rather than lose or misplace it.
      this.feed(region.subarray(0, n));
      return;
    }
    this.lent = null;
    if (this.bulk !== null && region.buffer === this.bulk.buffer) {
      this.bulkFill += n;
      return;
    }
    this.end += n;
    this.data = this.buf.subarray(0, this.end);
  }

  /** Copies received data in (when the data was not read into `readBuffer()`). */
  feed(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length;) {
      const room = this.readBuffer();
      const n = Math.min(room.length, chunk.length - off);
      room.set(chunk.subarray(off, off + n));
      this.received(n, room);
      off += n;
    }
  }

  /**
   * The next complete command's arguments, or null when more data is needed.
   * Throws ProtocolError on a malformed request; the parser must not be used afterwards.
   */
  next(): Buffer[] | null {
    for (;;) {
      if (this.argsLeft === 0) {
        if (this.pos >= this.end) return null;
        if (this.data[this.pos] !== 0x2a /* '*' */) {
          const args = this.inline();
          if (args === null) return null;
          if (args.length > 0) return args;
          continue;
        }
        let count = this.quickHeader();
        if (count > 0) {
          this.pos = this.lineEnd;
        } else {
          const n = this.headerLine('mbulk count', 'multibulk length');
          if (n === undefined) return null;
          // `*0` and negative counts are empty requests: skipped, as Redis does.
          if (n <= 0) continue;
          count = n;
        }
        if (count > MAX_MULTIBULK_LENGTH) throw new ProtocolError('invalid multibulk length');
        this.argsLeft = count;
        // Room for the arguments up front (stores, not pushes); a huge count grows as they come.
        this.argv = new Array<Buffer>(Math.min(count, MAX_PREALLOCATED_ARGS));
        this.argc = 0;
      }
      if (!this.readArgs()) {
        this.ownArgs();
        return null;
      }
      this.owned = 0;
      this.argBytes = 0;
      return this.argv;
    }
  }

  /** Reads bulk strings until the multibulk in progress is complete; false when data ran out. */
  private readArgs(): boolean {
    while (this.argsLeft > 0) {
      if (this.bulk !== null) {
        if (!this.fillBulk()) return false;
        continue;
      }
      if (this.crlfLeft > 0) {
        if (!this.skipCrlf()) return false;
        this.argsLeft--;
        continue;
      }
      let len = this.pendingLength;
      if (len < 0) {
        if (this.pos >= this.end) return false;
        const data = this.data;
        const c = data[this.pos]!;
        if (c !== 0x24 /* '$' */) throw new ProtocolError(`expected '$', got '${String.fromCharCode(c)}'`);
        // The common case, a short bulk received whole with its CRLF, read in one step.
        const quick = this.quickHeader();
        if (quick > 0 && quick < OWN_BULK_BYTES && quick <= this.maxBulkLength) {
          const at = this.lineEnd;
          const after = at + quick;
          if (after + 2 <= this.end && data[after] === CR && data[after + 1] === LF) {
            this.argv[this.argc++] = readBufferView(this.memory, this.memoryOffset + at, quick);
            this.argBytes += quick + ARG_OVERHEAD_BYTES;
            this.pos = after + 2;
            this.argsLeft--;
            continue;
          }
        }
        const n = this.headerLine('bulk count', 'bulk length');
        if (n === undefined) return false;
        if (n < 0 || n > this.maxBulkLength) throw new ProtocolError('invalid bulk length');
        if (n >= OWN_BULK_BYTES) {
          this.startBulk(n);
          continue;
        }
        len = n;
      }
      if (this.end - this.pos < len) {
        this.pendingLength = len;
        return false;
      }
      this.pendingLength = -1;
      this.argv[this.argc++] = len === 0 ? EMPTY_ARG : readBufferView(this.memory, this.memoryOffset + this.pos, len);
      this.argBytes += len + ARG_OVERHEAD_BYTES;
      this.pos += len;
      this.crlfLeft = 2;
    }
    return true;
  }

  /** A buffer for a long bulk's data and its CRLF, so that they can be read in one go. */
  private startBulk(len: number): void {
    try {
      this.bulk = Buffer.allocUnsafeSlow(len + 2);
    } catch {
      throw new ProtocolError(`cannot allocate a bulk string of ${len} bytes`);
    }
    this.bulkFill = 0;
  }

  /** Moves received data into the long bulk in progress; true once it is complete. */
  private fillBulk(): boolean {
    const bulk = this.bulk!;
    const take = Math.min(bulk.length - this.bulkFill, this.end - this.pos);
    if (take > 0) {
      this.data.copy(bulk, this.bulkFill, this.pos, this.pos + take);
      this.bulkFill += take;
      this.pos += take;
    }
    if (this.bulkFill < bulk.length) return false;
    const len = bulk.length - 2;
    if (bulk[len] !== CR || bulk[len + 1] !== LF) throw new ProtocolError('expected CRLF after bulk data');
    this.argv[this.argc++] = bulk.subarray(0, len);
    this.argBytes += bulk.length + ARG_OVERHEAD_BYTES;
    this.bulk = null;
    this.argsLeft--;
    return true;
  }

  private skipCrlf(): boolean {
    const data = this.data;
    while (this.crlfLeft > 0) {
      if (this.pos >= this.end) return false;
      const expected = this.crlfLeft === 2 ? CR : LF;
      if (data[this.pos] !== expected) throw new ProtocolError('expected CRLF after bulk data');
      this.pos++;
      this.crlfLeft--;
    }
    return true;
  }

  /**
   * The `*N` or `$N` line at pos when it is received whole and N is plain (1 to 15 digits, the
   * first not 0): N, with `lineEnd` set past the line. -1 for anything else, which `headerLine`
   * then reads (errors, partial lines and `$0` included).
   */
  private quickHeader(): number {
    const data = this.data;
    const end = this.end;
    let i = this.pos + 1;
    let c = i < end ? data[i]! : 0;
    if (c < 0x31 || c > 0x39) return -1;
    const last = Math.min(end, i + 15);
    let n = 0;
    for (; i < last; i++) {
      c = data[i]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    if (c !== CR || i + 1 >= end || data[i + 1] !== LF) return -1;
    this.scanned = 0;
    this.lineEnd = i + 2;
    return n;
  }

  /**
   * Parses a `*N` or `$N` line at pos. Returns undefined when the line is incomplete; throws on
   * a malformed number or a line longer than Redis allows.
   */
  private headerLine(what: string, name: string): number | undefined {
    const data = this.data;
    const cr = findCr(data, this.pos + 1 + this.scanned);
    if (cr === -1 || cr + 1 >= data.length) {
      if (data.length - this.pos > MAX_INLINE_LENGTH) throw new ProtocolError(`too big ${what} string`);
      this.scanned = (cr === -1 ? data.length : cr) - this.pos - 1;
      return undefined;
    }
    this.scanned = 0;
    if (data[cr + 1] !== LF) throw new ProtocolError(`invalid ${name}`);
    const n = parseStrictInt(data, this.pos + 1, cr);
    if (n === undefined) throw new ProtocolError(`invalid ${name}`);
    this.pos = cr + 2;
    return n;
  }

  /** An inline command: one line of words. Null when the line is incomplete. */
  private inline(): Buffer[] | null {
    const data = this.data;
    const lf = data.indexOf(LF, this.pos + this.scanned);
    if (lf === -1) {
      if (data.length - this.pos > MAX_INLINE_LENGTH) throw new ProtocolError('too big inline request');
      this.scanned = data.length - this.pos;
      return null;
    }
    this.scanned = 0;
    let end = lf;
    if (end > this.pos && data[end - 1] === CR) end--;
    const line = data.subarray(this.pos, end);
    this.pos = lf + 1;
    const args = splitInlineArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }

  /**
   * The arguments of a command still incomplete are kept across reads: copy those viewing buf.
   * Only the ones parsed since the last call can, so a request costs linear time however many
   * reads it takes.
   */
  private ownArgs(): void {
    const argv = this.argv;
    const memory = this.memory;
    for (let i = this.owned; i < this.argc; i++) {
      if (argv[i]!.buffer === memory) argv[i] = Buffer.from(argv[i]!);
    }
    this.owned = this.argc;
  }
}

/** indexOf(CR): header lines are short, so scan a few bytes in JS before calling into C++. */
function findCr(buf: Buffer, from: number): number {
  const end = Math.min(buf.length, from + 24);
  for (let i = from; i < end; i++) if (buf[i] === CR) return i;
  return end === buf.length ? -1 : buf.indexOf(CR, end);
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** \n \r \t \b \a inside double quotes. */
const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Splits an inline command line as Redis's sdssplitargs does: words separated by white space,
 * "double quotes" with \n \r \t \b \a \xHH escapes, 'single quotes' with \' only. A closing
 * quote must be followed by white space or the end. Null on unbalanced quotes.
 */
export function splitInlineArgs(line: Buffer): Buffer[] | null {
  const args: Buffer[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i]!)) i++;
    if (i >= n) return args;
    const c0 = line[i]!;
    if (c0 !== 0x22 && c0 !== 0x27) {
      const start = i;
      while (i < n && !isSpace(line[i]!) && line[i] !== 0x22 && line[i] !== 0x27) i++;
      if (i < n && !isSpace(line[i]!)) {
        // A quote inside a bare word starts a quoted part of the same word, as in sdssplitargs.
        const rest = quotedWord(line, i, Buffer.from(line.subarray(start, i)));
        if (rest === null) return null;
        args.push(rest.word);
        i = rest.next;
      } else {
        args.push(Buffer.from(line.subarray(start, i)));
      }
      continue;
    }
    const q = quotedWord(line, i, EMPTY);
    if (q === null) return null;
    args.push(q.word);
    i = q.next;
  }
}

/** Reads a word made of a quoted part (starting at i) after `prefix`. */
function quotedWord(line: Buffer, i: number, prefix: Buffer): { word: Buffer; next: number } | null {
  const out: number[] = [...prefix];
  const n = line.length;
  const quote = line[i]!;
  i++;
  for (;;) {
    if (i >= n) return null;
    const c = line[i]!;
    if (quote === 0x22 && c === 0x5c && i + 3 < n && line[i + 1] === 0x78) {
      const hi = hexValue(line[i + 2]!);
      const lo = hexValue(line[i + 3]!);
      if (hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        i += 4;
        continue;
      }
    }
    if (quote === 0x22 && c === 0x5c && i + 1 < n) {
      const e = line[i + 1]!;
      out.push(ESCAPES[e] ?? e);
      i += 2;
      continue;
    }
    if (quote === 0x27 && c === 0x5c && i + 1 < n && line[i + 1] === 0x27) {
      out.push(0x27);
      i += 2;
      continue;
    }
    if (c === quote) {
      i++;
      if (i < n && !isSpace(line[i]!)) return null;
      return { word: Buffer.from(out), next: i };
    }
    out.push(c);
    i++;
  }
}
