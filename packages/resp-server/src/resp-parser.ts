import { parseStrictInt } from './args.js';

/** Redis's proto-max-bulk-len default: 512 MiB. */
export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
/** Longest inline command or header line without a newline, as Redis's PROTO_INLINE_MAX_SIZE. */
export const MAX_INLINE_LENGTH = 64 * 1024;
const MAX_MULTIBULK_LENGTH = 2147483647;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

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
 * A bulk string wholly inside the received chunk is returned as a slice of it; one that spans
 * chunks is copied once into a Buffer of its exact size, so large values cost one copy and no
 * re-buffering, whatever the chunk sizes.
 */
export class RespParser {
  maxBulkLength: number;

  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks received while waiting for the end of a line, joined once the line is complete. */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** The unparsed tail is the start of a line whose end has not arrived yet. */
  private partialLine = false;

  /** Arguments still expected by the multibulk in progress; 0 when between commands. */
  private argsLeft = 0;
  private argv: Buffer[] = [];
  /** A bulk string spanning chunks, filled as data arrives. */
  private bulk: Buffer | null = null;
  private bulkFill = 0;
  /** CRLF bytes still expected after the last bulk's data. */
  private crlfLeft = 0;

  constructor(options: ParserOptions = {}) {
    this.maxBulkLength = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
  }

  /** Bytes received and not yet consumed (for CLIENT LIST's qbuf). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.waitingBytes;
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    // A partial line is pending: join only once a newline can have arrived, so that a line
    // trickling in byte by byte is not copied again for every byte.
    const pending = this.buf.length - this.pos + this.waitingBytes;
    if (this.partialLine && chunk.indexOf(LF) === -1 && pending + chunk.length <= MAX_INLINE_LENGTH + 2) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      return;
    }
    const parts = [this.buf.subarray(this.pos), ...this.waiting, chunk];
    this.buf = Buffer.concat(parts);
    this.pos = 0;
    this.waiting = [];
    this.waitingBytes = 0;
    this.partialLine = false;
  }

  /**
   * The next complete command's arguments, or null when more data is needed.
   * Throws ProtocolError on a malformed request; the parser must not be used afterwards.
   */
  next(): Buffer[] | null {
    if (this.waitingBytes > 0) return null;
    for (;;) {
      if (this.argsLeft === 0) {
        if (this.pos >= this.buf.length) return this.idle();
        if (this.buf[this.pos] !== 0x2a /* '*' */) {
          const args = this.inline();
          if (args === null) return null;
          if (args.length > 0) return args;
          continue;
        }
        const count = this.headerLine('mbulk count', 'multibulk length');
        if (count === undefined) return null;
        if (count > MAX_MULTIBULK_LENGTH) throw new ProtocolError('invalid multibulk length');
        // `*0` and negative counts are empty requests: skipped, as Redis does.
        if (count <= 0) continue;
        this.argsLeft = count;
      }
      if (!this.readArgs()) return null;
      const argv = this.argv;
      this.argv = [];
      return argv;
    }
  }

  /** Reads bulk strings until the multibulk in progress is complete; false when data ran out. */
  private readArgs(): boolean {
    const buf = this.buf;
    while (this.argsLeft > 0) {
      if (this.bulk !== null) {
        const take = Math.min(this.bulk.length - this.bulkFill, buf.length - this.pos);
        buf.copy(this.bulk, this.bulkFill, this.pos, this.pos + take);
        this.bulkFill += take;
        this.pos += take;
        if (this.bulkFill < this.bulk.length) return false;
        this.argv.push(this.bulk);
        this.bulk = null;
        this.crlfLeft = 2;
      }
      if (this.crlfLeft > 0) {
        if (!this.skipCrlf()) return false;
        this.argsLeft--;
        continue;
      }
      if (this.pos >= buf.length) return false;
      if (buf[this.pos] !== 0x24 /* '$' */) {
        throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
      }
      const len = this.headerLine('bulk count', 'bulk length');
      if (len === undefined) return false;
      if (len < 0 || len > this.maxBulkLength) throw new ProtocolError('invalid bulk length');
      const avail = buf.length - this.pos;
      if (avail >= len) {
        this.argv.push(buf.subarray(this.pos, this.pos + len));
        this.pos += len;
      } else {
        let target: Buffer;
        try {
          target = Buffer.allocUnsafe(len);
        } catch {
          throw new ProtocolError(`cannot allocate a bulk string of ${len} bytes`);
        }
        buf.copy(target, 0, this.pos);
        this.bulk = target;
        this.bulkFill = avail;
        this.pos = buf.length;
        return false;
      }
      this.crlfLeft = 2;
    }
    return true;
  }

  private skipCrlf(): boolean {
    const buf = this.buf;
    while (this.crlfLeft > 0) {
      if (this.pos >= buf.length) return false;
      const expected = this.crlfLeft === 2 ? CR : LF;
      if (buf[this.pos] !== expected) throw new ProtocolError('expected CRLF after bulk data');
      this.pos++;
      this.crlfLeft--;
    }
    return true;
  }

  /**
   * Parses a `*N` or `$N` line at pos. Returns undefined when the line is incomplete; throws on
   * a malformed number or a line longer than Redis allows.
   */
  private headerLine(what: string, name: string): number | undefined {
    const buf = this.buf;
    const cr = findCr(buf, this.pos + 1);
    if (cr === -1 || cr + 1 >= buf.length) {
      if (buf.length - this.pos > MAX_INLINE_LENGTH) throw new ProtocolError(`too big ${what} string`);
      return this.keepTail();
    }
    if (buf[cr + 1] !== LF) throw new ProtocolError(`invalid ${name}`);
    const n = parseStrictInt(buf, this.pos + 1, cr);
    if (n === undefined) throw new ProtocolError(`invalid ${name}`);
    this.pos = cr + 2;
    return n;
  }

  /** An inline command: one line of words. Null when the line is incomplete. */
  private inline(): Buffer[] | null {
    const buf = this.buf;
    const lf = buf.indexOf(LF, this.pos);
    if (lf === -1) {
      if (buf.length - this.pos > MAX_INLINE_LENGTH) throw new ProtocolError('too big inline request');
      return this.keepTail() ?? null;
    }
    let end = lf;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.subarray(this.pos, end);
    this.pos = lf + 1;
    const args = splitInlineArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }

  /** Keeps the unparsed tail for the next chunk (it is copied then, so drop the big chunk now). */
  private keepTail(): undefined {
    this.partialLine = true;
    if (this.pos > 0) {
      this.buf = Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
    return undefined;
  }

  private idle(): null {
    this.buf = EMPTY;
    this.pos = 0;
    return null;
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
