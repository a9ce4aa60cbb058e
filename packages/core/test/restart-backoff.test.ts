import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartBackoff } from '../src/host/restart-backoff.js';

test('restarts are immediate for two deaths a minute, then wait 250 ms doubling up to 30 s', () => {
  const b = new RestartBackoff();
  const delays = Array.from({ length: 12 }, (_, i) => b.next(false, 1000 + i));
  assert.deepEqual(delays, [0, 0, 250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('deaths older than a minute no longer count; a process that served clears the count', () => {
  const b = new RestartBackoff();
  for (let i = 0; i < 4; i++) b.next(false, i);
  assert.equal(b.next(false, 61_000), 0, 'the earlier deaths are more than a minute old');
  for (let i = 0; i < 4; i++) b.next(false, 62_000 + i);
  assert.equal(b.next(true, 62_010), 0);
  assert.equal(b.recent, 1);
});
