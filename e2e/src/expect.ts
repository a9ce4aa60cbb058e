import assert from 'node:assert/strict';
import { type DTypeCase, parseDouble } from './dtype-cases.js';

/**
 * Checks VALUES elements as a client decoded them against a dtype case: integers exactly,
 * floats as the numbers they print (FLOAT elements are float32-rounded), strings as text.
 */
export function assertElements(c: DTypeCase, got: readonly (string | number | bigint | Buffer)[], where: string): void {
  assert.equal(got.length, c.elements.length, `${where}: element count`);
  got.forEach((g, i) => {
    const want = c.elements[i]!;
    const label = `${where}: ${c.dtype} element ${i}`;
    if (c.dtype === 'STRING') {
      assert.equal(Buffer.isBuffer(g) ? g.toString('utf8') : g, want, label);
    } else if (c.integer) {
      assert.equal(BigInt(Buffer.isBuffer(g) ? g.toString() : g), BigInt(want as number | bigint), label);
    } else {
      const n = typeof g === 'number' ? g : parseDouble(Buffer.isBuffer(g) ? g.toString() : String(g));
      assert.ok(Object.is(n, want) || n === want, `${label}: got ${String(n)}, want ${String(want)}`);
    }
  });
}

/** Asserts an error reply: `ERR ...` (or WRONGTYPE when `code` says so) and optional text. */
export function assertErr(message: string | undefined, where: string, pattern?: RegExp, code = 'ERR'): void {
  assert.ok(message !== undefined, `${where}: expected an error reply`);
  assert.ok(message.startsWith(`${code} `), `${where}: expected '${code} ...', got '${message}'`);
  if (pattern) assert.match(message, pattern, where);
}
