import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BackendRegistry, parseBackendName, resolveBackendEntry } from '../src/backend-loader.js';

function tempBackendDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-backend-'));
  const body = (name: string, version = 1) => `
    export default {
      name: '${name}', interfaceVersion: ${version}, version: 'test',
      devices: () => ['CPU'],
      async loadModel() { throw new Error('no models here'); },
    };`;
  mkdirSync(join(dir, 'pkg', 'lib'), { recursive: true });
  writeFileSync(
    join(dir, 'pkg', 'package.json'),
    JSON.stringify({ name: 'x', type: 'module', exports: { '.': { import: './lib/main.js' } } }),
  );
  writeFileSync(join(dir, 'pkg', 'lib', 'main.js'), body('TORCH'));
  writeFileSync(join(dir, 'tf.mjs'), body('TF'));
  writeFileSync(join(dir, 'old.mjs'), body('ONNX', 0));
  writeFileSync(join(dir, 'notbackend.mjs'), 'export const x = 1;');
  writeFileSync(join(dir, 'broken.mjs'), 'export default {{;');
  return dir;
}

test('backend identifiers are TF, TORCH, ONNX', () => {
  assert.equal(parseBackendName('torch'), 'TORCH');
  assert.throws(() => parseBackendName('MXNET'), /^ReplyError: unsupported backend$/);
});

test('a package directory resolves through its exports', () => {
  const dir = tempBackendDir();
  assert.equal(resolveBackendEntry(join(dir, 'pkg')), join(dir, 'pkg', 'lib', 'main.js'));
  assert.throws(() => resolveBackendEntry(join(dir, 'missing')), /does not exist/);
});

test('loading: once per identifier, with clear errors for what is not a backend', async () => {
  const dir = tempBackendDir();
  const reg = new BackendRegistry({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false });
  await reg.load('TORCH', join(dir, 'pkg'));
  await assert.rejects(reg.load('TORCH', join(dir, 'pkg')), /already loaded/);
  await assert.rejects(reg.load('ONNX', join(dir, 'tf.mjs')), /is a backend for TF, not ONNX/);
  await assert.rejects(reg.load('ONNX', join(dir, 'old.mjs')), /interface version 0 does not match/);
  await assert.rejects(reg.load('ONNX', join(dir, 'notbackend.mjs')), /not a modelkv backend: it exports no backend object/);
  await assert.rejects(reg.load('ONNX', join(dir, 'broken.mjs')), /could not load backend/);
  await reg.load('TF', join(dir, 'tf.mjs'));
  assert.deepEqual(
    reg.list().map((b) => b.name),
    ['TORCH', 'TF'],
  );
  assert.throws(() => reg.get('ONNX'), /backend ONNX is not loaded/);
});
