import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyString } from '../src/keyspace.js';
import { latin1String } from '../src/latin1.js';

test('short byte strings become the latin1 strings Buffer#toString makes, every byte value and length', () => {
  for (let length = 0; length <= 20; length++) {
    for (let start = 0; start < 256; start += 7) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (start + i * 37) & 0xff));
      assert.equal(latin1String(bytes), bytes.toString('latin1'), `${length} bytes from ${start}`);
      assert.equal(keyString(bytes), bytes.toString('latin1'));
      // A view into a larger buffer, as request arguments are.
      const big = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
      assert.equal(latin1String(big.subarray(2, 2 + length)), bytes.toString('latin1'));
    }
  }
});
