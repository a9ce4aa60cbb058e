import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Tensor, type ModelHandle } from '@modelkv/core';
import backend from '../src/index.js';
import { loadFixture } from './fixtures.js';

const CPU = { device: { kind: 'CPU' as const, index: 0 }, inputs: [], outputs: [] };

describe('runs happen off the JS thread', () => {
  let slow: ModelHandle;
  let tiny: ModelHandle;
  before(async () => {
    // Two runs at once per queue: the pool then has two workers, one for each model.
    backend.init({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false, threadsPerQueue: 2 });
    slow = await backend.loadModel(loadFixture('slow_matmul', 'make_slow').model, CPU);
    tiny = await backend.loadModel(loadFixture('tiny_mul', 'make_tiny').model, CPU);
  });
  after(async () => {
    await slow.release();
    await tiny.release();
  });

  it('timers fire and another model answers while a slow run is in flight', async () => {
    const order: string[] = [];
    let timerFired = false;
    const timer = setTimeout(() => {
      timerFired = true;
    }, 1);
    const slowRun = slow.run([Tensor.zeros('FLOAT', [1024, 1024])], 1).then(() => {
      order.push('slow');
      order.push(timerFired ? 'timer-before-slow' : 'timer-after-slow');
    });
    const a = Tensor.fromArray('FLOAT', [1, 2], [1, 2]);
    const quick = tiny.run([a, a], 1).then(([c]) => {
      assert.deepEqual(c!.values(), [1, 4]);
      order.push('tiny');
    });
    await Promise.all([slowRun, quick]);
    clearTimeout(timer);
    assert.deepEqual(order, ['tiny', 'slow', 'timer-before-slow']);
  });
});
