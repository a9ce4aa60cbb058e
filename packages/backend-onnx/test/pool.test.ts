import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ModelHandle } from '@modelkv/core';
import backend from '../src/index.js';
import { loadFixture } from './fixtures.js';

const CPU = { device: { kind: 'CPU' as const, index: 0 }, inputs: [], outputs: [] };

/** Threads of this process, as the kernel counts them. */
function threads(): number {
  const m = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(m![1]);
}

describe('ONNX sessions share a pool of workers', () => {
  it('twenty models live on one worker with one run slot per queue, and all run', async () => {
    // One intra-op thread: onnxruntime then starts no thread pool of its own per session.
    backend.init({ intraOpThreads: 1, interOpThreads: 0, allowUnsafeOps: false, threadsPerQueue: 1 });
    const fx = loadFixture('tiny_mul', 'make_tiny');
    const before = threads();
    const models: ModelHandle[] = [];
    for (let i = 0; i < 20; i++) models.push(await backend.loadModel(fx.model, CPU));
    assert.equal(backend.workerCount, 1);
    const grown = threads() - before;
    assert.ok(grown <= 4, `20 models added ${grown} threads`);
    const [a, b] = fx.inputs.map((t) => t.tensor);
    const outs = await Promise.all(models.map((m) => m.run([a!, b!], 1)));
    for (const [c] of outs) assert.deepEqual(c!.data, fx.outputs[0]!.tensor.data);
    for (const m of models) await m.release();
    // A released session's handle refuses runs; the worker stays for the next model.
    await assert.rejects(models[0]!.run([a!, b!], 1), /released/);
    const again = await backend.loadModel(fx.model, CPU);
    assert.equal(backend.workerCount, 1);
    await again.release();
  });
});
