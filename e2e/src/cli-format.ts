/**
 * Reads back what redis-cli prints for a reply with `--no-raw` (its terminal format, see
 * cliFormatReplyTTY in redis-cli.c), so tests can check the reply's structure, and the exact
 * bytes of bulk strings, through the real redis-cli.
 */
export type CliValue =
  | { readonly status: string }
  | { readonly error: string }
  | { readonly integer: bigint }
  | { readonly double: string }
  | { readonly nil: true }
  | Buffer
  | CliValue[];

const MARKER_RE = /^( *)(\d+)[)~#] /;

/** Parses the output of one command. */
export function parseCli(stdout: string): CliValue {
  const lines = stdout.replace(/\n$/, '').split('\n');
  const [value, next] = parseValue(lines, 0, 0);
  if (next !== lines.length) throw new Error(`unparsed redis-cli output from line ${next}: ${lines.slice(next).join('\n').slice(0, 200)}`);
  return value;
}

/** Parses the value starting on line `li` at column `col`; returns it and the next line. */
function parseValue(lines: string[], li: number, col: number): [CliValue, number] {
  const rest = lines[li]!.slice(col);
  if (MARKER_RE.test(rest)) return parseArray(lines, li, col);
  if (rest === '(empty array)' || rest === '(empty list or set)') return [[], li + 1];
  if (rest === '(nil)') return [{ nil: true }, li + 1];
  if (rest.startsWith('(integer) ')) return [{ integer: BigInt(rest.slice(10)) }, li + 1];
  if (rest.startsWith('(double) ')) return [{ double: rest.slice(9) }, li + 1];
  if (rest.startsWith('(error) ')) return [{ error: rest.slice(8) }, li + 1];
  if (rest.startsWith('"')) return [unquote(rest), li + 1];
  return [{ status: rest }, li + 1];
}

function parseArray(lines: string[], li: number, col: number): [CliValue[], number] {
  const items: CliValue[] = [];
  let line = li;
  for (;;) {
    const m = MARKER_RE.exec(lines[line]!.slice(col));
    if (!m || Number(m[2]) !== items.length + 1) break;
    const [item, next] = parseValue(lines, line, col + m[0].length);
    items.push(item);
    line = next;
    if (line >= lines.length || lines[line]!.slice(0, col).trim() !== '') break;
  }
  return [items, line];
}

/** The bytes of a string redis-cli printed quoted, with C escapes and \xHH (sdscatrepr). */
export function unquote(printed: string): Buffer {
  if (printed.length < 2 || !printed.startsWith('"') || !printed.endsWith('"')) {
    throw new Error(`not a quoted string: ${printed.slice(0, 80)}`);
  }
  const body = printed.slice(1, -1);
  const bytes: number[] = [];
  const escapes: Record<string, number> = { '\\': 0x5c, '"': 0x22, n: 0x0a, r: 0x0d, t: 0x09, a: 0x07, b: 0x08 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0));
      continue;
    }
    const e = body[++i]!;
    if (e === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e in escapes) {
      bytes.push(escapes[e]!);
    } else {
      throw new Error(`unknown escape \\${e} in redis-cli output`);
    }
  }
  return Buffer.from(bytes);
}

/** The text of a status or bulk string value. */
export function word(v: CliValue | undefined): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v && !Array.isArray(v) && 'status' in v) return v.status;
  throw new Error(`expected a string, got ${describe(v)}`);
}

export function asArray(v: CliValue | undefined): CliValue[] {
  if (Array.isArray(v)) return v;
  throw new Error(`expected an array, got ${describe(v)}`);
}

export function asInteger(v: CliValue | undefined): bigint {
  if (v && !Buffer.isBuffer(v) && !Array.isArray(v) && 'integer' in v) return v.integer;
  throw new Error(`expected an integer, got ${describe(v)}`);
}

export function asBuffer(v: CliValue | undefined): Buffer {
  if (Buffer.isBuffer(v)) return v;
  throw new Error(`expected a bulk string, got ${describe(v)}`);
}

export function describe(v: CliValue | undefined): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer') {
      return `<bulk ${JSON.stringify(
        Buffer.from((x as { data: number[] }).data)
          .toString('latin1')
          .slice(0, 60),
      )}>`;
    }
    return x;
  });
}
