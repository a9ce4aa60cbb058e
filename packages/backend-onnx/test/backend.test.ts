import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { BACKEND_INTERFACE_VERSION, Tensor, validateBackend } from '@modelkv/core';
import backend, { backend as named } from '../src/index.js';
import { sessionSettings } from '../src/session-settings.js';
import { loadFixture } from './fixtures.js';

const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

describe('the ONNX backend export', () => {
  it('is a valid modelkv backend for ONNX, as default and named export', () => {
    assert.equal(validateBackend(backend, 'ONNX'), undefined);
    assert.equal(named, backend);
    assert.equal(backend.name, 'ONNX');
    assert.equal(backend.interfaceVersion, BACKEND_INTERFACE_VERSION);
    assert.equal(backend.version, ortVersion);
  });

  it('lists CPU, and GPUs only with a reason when there are none', () => {
    const devices = backend.devices();
    assert.equal(devices[0], 'CPU');
    for (const d of devices.slice(1)) assert.match(d, /^GPU:\d+$/);
    if (devices.length === 1) assert.ok(backend.unavailableReason && backend.unavailableReason.length > 0);
    else assert.equal(backend.unavailableReason, undefined);
  });
});

describe('session settings', () => {
  it('place a model on the CPU provider or on the CUDA provider of GPU n', () => {
    const none = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
    assert.deepEqual(sessionSettings({ kind: 'CPU', index: 0 }, none), { executionProviders: ['cpu'] });
    assert.deepEqual(sessionSettings({ kind: 'GPU', index: 2 }, none), { executionProviders: [{ name: 'cuda', deviceId: 2 }] });
  });

  it('pass the server thread counts on only when they are set', () => {
    assert.deepEqual(sessionSettings({ kind: 'CPU', index: 0 }, { intraOpThreads: 3, interOpThreads: 0, allowUnsafeOps: false }), {
      executionProviders: ['cpu'],
      intraOpNumThreads: 3,
    });
    assert.deepEqual(sessionSettings({ kind: 'CPU', index: 0 }, { intraOpThreads: 0, interOpThreads: 2, allowUnsafeOps: false }), {
      executionProviders: ['cpu'],
      interOpNumThreads: 2,
      executionMode: 'parallel',
    });
  });

  it("pass --intra-op-spinning on as onnxruntime's session.intra_op.allow_spinning only when it is set", () => {
    const none = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
    const spinning = (intraOpSpinning?: boolean) =>
      sessionSettings({ kind: 'CPU', index: 0 }, intraOpSpinning === undefined ? none : { ...none, intraOpSpinning }).extra;
    assert.equal(spinning(), undefined);
    assert.deepEqual(spinning(false), { session: { intra_op: { allow_spinning: '0' } } });
    assert.deepEqual(spinning(true), { session: { intra_op: { allow_spinning: '1' } } });
  });

  it('onnxruntime accepts them: a model loaded after init with thread counts and no spinning runs', async () => {
    backend.init({ intraOpThreads: 2, interOpThreads: 2, allowUnsafeOps: false, intraOpSpinning: false });
    try {
      const model = await backend.loadModel(loadFixture('tiny_mul', 'make_tiny').model, {
        device: { kind: 'CPU', index: 0 },
        inputs: [],
        outputs: [],
      });
      const a = Tensor.fromArray('FLOAT', [1, 3], [1, 2, 3]);
      const [c] = await model.run([a, a], 1);
      assert.deepEqual(c!.values(), [1, 4, 9]);
      await model.release();
    } finally {
      backend.init({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false });
    }
  });
});
