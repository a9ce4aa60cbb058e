import { type FileReader, UnexpectedEof } from './file-reader.js';
import { FormatError } from './snapshot-reader.js';

/** Longest `*<n>` / `$<n>` line accepted, and the largest argument count and length. */
const MAX_LINE = 32;
const MAX_ARGS = 1024 * 1024;
const MAX_BULK = 2 ** 40;

export interface AofCommand {
  readonly argv: Buffer[];
  /** Offsets of the command's first byte and of the byte after it. */
  readonly start: number;
  readonly end: number;
}

/**
 * Reads RESP commands (`*<n>` then n bulk strings) from an append-only file, skipping `#`
 * annotation lines as Redis 7 does. A command cut off by the end of the file is UnexpectedEof;
 * bytes that cannot be a command are a FormatError naming the offset.
 */
export class AofReader {
  constructor(private readonly reader: FileReader) {}

  /** The next command, or undefined at the end of the file. */
  async next(): Promise<AofCommand | undefined> {
    const r = this.reader;
    for (;;) {
      if (!(await r.fill(1))) return undefined;
      const start = r.offset;
      const first = r.peek()[0]!;
      if (first === 0x23) {
        await this.skipLine();
        continue;
      }
      if (first !== 0x2a) throw new FormatError(start, `expected '*', found ${describeByte(first)}`);
      const count = await this.number(0x2a, MAX_ARGS);
      if (count < 1) throw new FormatError(start, `a command of ${count} arguments`);
      const argv: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        if (!(await r.fill(1))) throw new UnexpectedEof(r.size);
        const at = r.offset;
        if (r.peek()[0] !== 0x24) throw new FormatError(at, `expected '$', found ${describeByte(r.peek()[0]!)}`);
        const len = await this.number(0x24, MAX_BULK);
        const data = await r.read(len);
        const crlf = await r.read(2);
        if (crlf[0] !== 0x0d || crlf[1] !== 0x0a) throw new FormatError(r.offset - 2, 'a bulk string is not followed by CRLF');
        argv.push(data);
      }
      return { argv, start, end: r.offset };
    }
  }

  /** Reads `<type><digits>\r\n` and returns the number. */
  private async number(type: number, max: number): Promise<number> {
    const r = this.reader;
    const at = r.offset;
    const line = await this.line();
    if (line[0] !== type) throw new FormatError(at, 'bad header');
    const digits = line.subarray(1).toString('latin1');
    if (!/^\d{1,15}$/.test(digits)) throw new FormatError(at, `bad length '${printableLine(line)}'`);
    const n = Number(digits);
    if (n > max) throw new FormatError(at, `length ${n} is out of range`);
    return n;
  }

  /** A line without its CRLF. */
  private async line(): Promise<Buffer> {
    const r = this.reader;
    const at = r.offset;
    await r.fill(MAX_LINE);
    const view = r.peek();
    const cr = view.subarray(0, MAX_LINE).indexOf(0x0d);
    if (cr === -1 || cr + 1 >= view.length) {
      if (view.length < MAX_LINE) throw new UnexpectedEof(r.size);
      throw new FormatError(at, 'a header line is too long');
    }
    if (view[cr + 1] !== 0x0a) throw new FormatError(at + cr, 'CR without LF');
    const line = Buffer.from(view.subarray(0, cr));
    r.skip(cr + 2);
    return line;
  }

  private async skipLine(): Promise<void> {
    const r = this.reader;
    for (;;) {
      const view = r.peek();
      const lf = view.indexOf(0x0a);
      if (lf !== -1) {
        r.skip(lf + 1);
        return;
      }
      r.skip(view.length);
      if (!(await r.fill(1))) throw new UnexpectedEof(r.size);
    }
  }
}

function describeByte(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

function printableLine(line: Buffer): string {
  return line.toString('latin1').replace(/[^\x20-\x7e]/g, '?');
}
