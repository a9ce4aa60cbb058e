import { UnexpectedReplyError } from './errors.js';

/**
 * Readers for reply elements. A value can arrive as a string, a Buffer, a number or a bigint
 * depending on the protocol (RESP2 sends doubles as bulk strings) and on the client's type
 * mapping, so each reader accepts all of them.
 */

export function replyArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedReplyError(`${what}: expected an array reply, got ${describe(value)}`);
  return value;
}

export function replyText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  // RESP3 verbatim strings are String objects with a format.
  if (value instanceof String) return value.toString();
  throw new UnexpectedReplyError(`${what}: expected a string, got ${describe(value)}`);
}

/** A binary bulk string. A JS string here means the reply was decoded as UTF-8 and is lost. */
export function replyBuffer(value: unknown, what: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') {
    throw new UnexpectedReplyError(
      `${what}: the reply was decoded as text, so binary data is lost; send the command through ` +
        'client.withTypeMapping(AI_TYPE_MAPPING) (ModelkvClient does this for you)',
    );
  }
  throw new UnexpectedReplyError(`${what}: expected a bulk string, got ${describe(value)}`);
}

const INTEGER_RE = /^[+-]?\d+$/;

export function replyBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    // A number past 2^53 has already lost digits in the decoder.
    if (!Number.isSafeInteger(value)) {
      throw new UnexpectedReplyError(
        `${what}: integer ${value} was decoded as a JS number and lost precision; ` +
          'send the command through client.withTypeMapping(AI_TYPE_MAPPING)',
      );
    }
    return BigInt(value);
  }
  const text = textOf(value, what);
  if (!INTEGER_RE.test(text)) throw new UnexpectedReplyError(`${what}: expected an integer, got '${text}'`);
  return BigInt(text);
}

export function replyInteger(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const big = replyBigInt(value, what);
  const n = Number(big);
  if (!Number.isSafeInteger(n)) throw new UnexpectedReplyError(`${what}: integer ${big} does not fit a JS number`);
  return n;
}

const DOUBLE_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

/** A double as Redis writes one: `%.17g`, or `inf`, `-inf`, `nan`. */
export function replyDouble(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const text = textOf(value, what).trim();
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!DOUBLE_RE.test(text)) throw new UnexpectedReplyError(`${what}: expected a number, got '${text}'`);
  return Number(text);
}

function textOf(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  throw new UnexpectedReplyError(`${what}: expected a number, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  return typeof value;
}
