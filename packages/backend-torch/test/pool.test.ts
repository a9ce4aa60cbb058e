// The job pool every backend addon shares (@modelkv/core/native, modelkv/pool.h), seen through
// this addon: completions that pile up while the JS thread is busy are settled by one callback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ScriptHandle, Tensor } from '@modelkv/core';
import { addon } from '../src/addon.js';
import { backend } from '../src/index.js';

const a = Tensor.fromArray('FLOAT', [2], [1, 2]);

function addScript(): Promise<ScriptHandle> {
  assert.ok(backend.compileScript !== undefined);
  return backend.compileScript('def add(a, b):\n    return a + b\n', { device: { kind: 'CPU', index: 0 } });
}

test('runs that finish while the JS thread is busy are settled together, by one callback', async () => {
  const script = await addScript();
  const before = addon.poolStats();
  const n = 32;
  const runs = Array.from({ length: n }, () => script.run('add', [a, a], 1));
  // Hold the JS thread until every run has finished on the pool: none can be settled meanwhile.
  // (The bound only keeps a broken pool from hanging the suite.)
  for (const giveUp = Date.now() + 60_000; addon.poolStats().waiting < n && Date.now() < giveUp;);
  assert.equal(addon.poolStats().waiting, n);
  const outputs = await Promise.all(runs);
  for (const [out] of outputs) assert.deepEqual(out!.values(), [2, 4]);
  const after = addon.poolStats();
  assert.equal(after.settled - before.settled, n);
  assert.equal(after.callbacks - before.callbacks, 1);
  assert.equal(after.waiting, 0);
  assert.ok(after.threads >= 1 && after.threads <= n, `${after.threads} threads`);
  await script.release();
});

test('callers keeping 16 runs in flight, over and over, need no more than 16 threads', async () => {
  const script = await addScript();
  const before = addon.poolStats();
  let left = 2000;
  const caller = async (): Promise<void> => {
    while (left-- > 0) await script.run('add', [a, a], 1);
  };
  await Promise.all(Array.from({ length: 16 }, caller));
  const stats = addon.poolStats();
  // Idle threads are reused; new ones start only while fewer than 16 exist.
  assert.ok(stats.threads <= Math.max(before.threads, 16), `${before.threads} threads before, ${stats.threads} after`);
  assert.equal(stats.busy, 0);
  await script.release();
});
