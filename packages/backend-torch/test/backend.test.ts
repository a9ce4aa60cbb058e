import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { BACKEND_INTERFACE_VERSION, Engine, validateBackend } from '@modelkv/core';
import defaultExport, { backend } from '../src/index.js';

test('the package exports a TORCH backend for this core', () => {
  assert.equal(defaultExport, backend);
  assert.equal(validateBackend(backend, 'TORCH'), undefined);
  assert.equal(backend.interfaceVersion, BACKEND_INTERFACE_VERSION);
  assert.equal(typeof backend.compileScript, 'function');
});

test('version is the libtorch version, the same release Python torch reports', () => {
  const python = execFileSync('/usr/bin/python3', ['-c', 'import torch;print(torch.__version__)'], { encoding: 'utf8' }).trim();
  const [major, minor] = python.split('.');
  assert.match(backend.version, /^\d+\.\d+\.\d+/);
  assert.ok(backend.version.startsWith(`${major}.${minor}.`), `${backend.version} vs Python torch ${python}`);
});

test('devices: CPU, plus one GPU:n per CUDA device; the reason when there is none', () => {
  const devices = backend.devices();
  assert.equal(devices[0], 'CPU');
  for (const [i, d] of devices.slice(1).entries()) assert.equal(d, `GPU:${i}`);
  if (devices.length === 1) assert.match(backend.unavailableReason ?? '', /CUDA/);
});

test('a GPU request on a machine without CUDA is refused at SET time with the reason', async (t) => {
  if (backend.devices().includes('GPU:0')) {
    t.skip('this libtorch has a CUDA device');
    return;
  }
  const engine = new Engine();
  await engine.registerBackend(backend);
  await assert.rejects(
    engine.scriptSet('s', { device: 'GPU', source: 'def f(a):\n    return a\n' }),
    /GPU:0 is not available to backend TORCH \(.*CUDA.*\)/,
  );
  await assert.rejects(engine.modelSet('m', { backend: 'TORCH', device: 'GPU:1', blob: Buffer.from('x') }), /GPU:1 is not available/);
  assert.equal(engine.exists('s'), false);
});

test('init applies thread counts; the inter-op count cannot change once set', async () => {
  await backend.init?.({ intraOpThreads: 2, interOpThreads: 0, allowUnsafeOps: false });
  await backend.init?.({ intraOpThreads: 1, interOpThreads: 1, allowUnsafeOps: false });
  await backend.init?.({ intraOpThreads: 1, interOpThreads: 1, allowUnsafeOps: false });
  assert.throws(
    () => backend.init?.({ intraOpThreads: 1, interOpThreads: 2, allowUnsafeOps: false }),
    /inter-op thread count is already set to 1/,
  );
});
