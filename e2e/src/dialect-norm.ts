// Compares replies with the expected forms of dialect-cases.ts.
import assert from 'node:assert/strict';
import type { CliValue } from './cli-format.js';
import type { Norm } from './dialect-cases.js';

/** A bulk string as text when it is printable UTF-8, else as hex. */
function bulk(b: Buffer): Norm {
  const text = b.toString('utf8');
  // eslint-disable-next-line no-control-regex -- printable means no control characters but newline and tab
  return Buffer.from(text, 'utf8').equals(b) && !/[\x00-\x08\x0b-\x1f\x7f\ufffd]/.test(text) ? text : { hex: b.toString('hex') };
}

/** redis-cli's reply (as cli-format parses it) in the comparable form. */
export function normCli(v: CliValue): Norm {
  if (Buffer.isBuffer(v)) return bulk(v);
  if (Array.isArray(v)) return v.map(normCli);
  if ('status' in v) return { s: v.status };
  if ('error' in v) return { err: v.error };
  if ('integer' in v) return Number(v.integer);
  if ('nil' in v) return null;
  return v.double;
}

/**
 * Asserts that `got` matches `want`. `{ int: 'any' }` matches any integer and `{ err: 'any' }`
 * any error. With `looseStrings` (redis-py, which reads simple and bulk strings alike), `{ s }`
 * matches the plain text too, and errors are compared without redis-py's stripped `ERR `.
 */
export function assertMatches(got: Norm, want: Norm, where: string, looseStrings = false): void {
  assert.ok(matches(got, want, looseStrings), `${where}\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`);
}

function matches(got: Norm, want: Norm, loose: boolean): boolean {
  if (want !== null && typeof want === 'object' && 'int' in want) return typeof got === 'number';
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => matches(got[i]!, w, loose));
  }
  if (want === null || typeof want !== 'object') return got === want;
  if (loose && 's' in want && typeof got === 'string') return got === want.s;
  if (typeof got !== 'object' || got === null || Array.isArray(got)) return false;
  if ('err' in want) {
    if (!('err' in got)) return false;
    if (want.err === 'any') return true;
    return got.err === (loose ? want.err.replace(/^ERR /, '') : want.err);
  }
  if ('s' in want) return 's' in got ? got.s === want.s : false;
  return 'hex' in got && got.hex === want.hex;
}
