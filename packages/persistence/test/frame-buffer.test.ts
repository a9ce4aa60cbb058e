import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameBuffer } from '../src/frame-buffer.js';

test('commands are RESP arrays of bulk strings; large arguments are referenced, not copied', () => {
  const f = new FrameBuffer();
  const big = Buffer.alloc(20_000, 7);
  f.command(['AI.TENSORSET', 'k\xff', 'UINT8', '20000', 'BLOB', big]);
  f.command(['DEL', '']);
  const parts = f.take();
  assert.ok(parts.includes(big), 'the large argument is handed over as it is');
  const bytes = Buffer.concat(parts);
  const want = Buffer.concat([
    Buffer.from('*6\r\n$12\r\nAI.TENSORSET\r\n$2\r\nk\xff\r\n$5\r\nUINT8\r\n$5\r\n20000\r\n$4\r\nBLOB\r\n$20000\r\n', 'latin1'),
    big,
    Buffer.from('\r\n*2\r\n$3\r\nDEL\r\n$0\r\n\r\n', 'latin1'),
  ]);
  assert.ok(bytes.equals(want));
  assert.equal(f.length, 0);
  assert.deepEqual(f.take(), []);
});

test('lengths of every size are written right', () => {
  for (const n of [0, 1, 9, 10, 99, 100, 12345, 65536, 1_000_000]) {
    const f = new FrameBuffer();
    f.command([Buffer.alloc(n, 1)]);
    const bytes = Buffer.concat(f.take());
    assert.equal(bytes.subarray(0, bytes.indexOf('\r\n', 4) + 2).toString('latin1'), `*1\r\n$${n}\r\n`);
    assert.equal(bytes.length, `*1\r\n$${n}\r\n`.length + n + 2);
  }
});
