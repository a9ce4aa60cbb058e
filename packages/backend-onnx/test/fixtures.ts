import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { Tensor, type DType } from '@modelkv/core';

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const MODELS_DIR = join(REPO_ROOT, 'e2e', 'models', 'onnx');
const MAKE_MODELS = join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh');
const generated = new Set<string>();

/** Runs e2e/fixtures/onnx/<script>.py through e2e/fixtures/make-models.sh, which skips it when its stamp is current. */
export function ensureGenerated(script: string): void {
  if (generated.has(script)) return;
  execFileSync('bash', [MAKE_MODELS, `onnx/${script}.py`], { stdio: ['ignore', 'ignore', 'inherit'] });
  generated.add(script);
}

export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

export interface Fixture {
  readonly model: Buffer;
  readonly inputs: readonly NamedTensor[];
  readonly outputs: readonly NamedTensor[];
}

interface ManifestEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly file: string;
}

/** A model with the inputs it was run on and the outputs its framework computed. */
export function loadFixture(name: string, script: string): Fixture {
  ensureGenerated(script);
  const manifest = JSON.parse(readFileSync(join(MODELS_DIR, `${name}.json`), 'utf8')) as {
    model: string;
    inputs: ManifestEntry[];
    outputs: ManifestEntry[];
  };
  const read = (e: ManifestEntry): NamedTensor => ({
    name: e.name,
    tensor: Tensor.fromBlob(e.dtype, e.shape, readFileSync(join(MODELS_DIR, e.file))),
  });
  return {
    model: readFileSync(join(MODELS_DIR, manifest.model)),
    inputs: manifest.inputs.map(read),
    outputs: manifest.outputs.map(read),
  };
}

export function modelBytes(file: string, script: string): Buffer {
  ensureGenerated(script);
  return readFileSync(join(MODELS_DIR, file));
}

/** Same dtype and shape; integers equal, floats within a tolerance fit for float32 math. */
export function assertTensorClose(actual: Tensor, expected: Tensor, what: string): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  if (actual.dtype !== 'FLOAT' && actual.dtype !== 'DOUBLE') {
    assert.deepEqual(actual.values(), expected.values(), `${what}: values`);
    return;
  }
  const a = actual.values() as number[];
  const e = expected.values() as number[];
  const tolerance = actual.dtype === 'FLOAT' ? 1e-4 : 1e-9;
  a.forEach((x, i) => {
    const y = e[i]!;
    assert.ok(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(y)), `${what}[${i}]: ${x} is not close to ${y}`);
  });
}
