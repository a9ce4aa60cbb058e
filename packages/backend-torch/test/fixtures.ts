// Test models made by e2e/fixtures/torch/make_*.py with Python torch, and their references.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DType, Tensor } from '@modelkv/core';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAKE_MODELS = join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh');
export const MODELS = join(REPO_ROOT, 'e2e', 'models', 'torch');

interface Entry {
  readonly dtype: DType;
  readonly shape: number[];
  readonly file: string;
}

export interface Case {
  readonly function?: string;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
}

export interface Manifest {
  readonly kind: 'model' | 'script';
  readonly file: string;
  readonly cases: Case[];
  readonly [extra: string]: unknown;
}

interface RawManifest {
  readonly kind: 'model' | 'script';
  readonly file: string;
  readonly cases: { function?: string; inputs: Entry[]; outputs?: Entry[] }[];
  readonly [extra: string]: unknown;
}

let generated = false;

/** Runs the fixture scripts whose stamp is missing or older, through e2e/fixtures/make-models.sh. */
export function ensureFixtures(): void {
  if (generated) return;
  execFileSync('bash', [MAKE_MODELS, 'torch/make_*.py'], { stdio: ['ignore', 'ignore', 'inherit'] });
  generated = true;
}

function tensor(e: Entry): Tensor {
  return Tensor.fromBlob(e.dtype, e.shape, readFileSync(join(MODELS, e.file)));
}

export function manifest(name: string): Manifest {
  ensureFixtures();
  const raw = JSON.parse(readFileSync(join(MODELS, `${name}.json`), 'utf8')) as RawManifest;
  const cases = raw.cases.map((c) => ({
    ...(c.function === undefined ? {} : { function: c.function }),
    inputs: c.inputs.map(tensor),
    outputs: (c.outputs ?? []).map(tensor),
  }));
  return { ...raw, cases };
}

/** The model archive or script source file named by a manifest. */
export function artifact(m: Manifest): Buffer {
  return readFileSync(join(MODELS, m.file));
}

/**
 * Asserts `actual` matches the reference: same dtype and shape; integers exactly, floats within
 * `rtol` of each value plus `atol` scaled by the reference's largest magnitude.
 */
export function assertClose(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-6, what = 'tensor'): void {
  if (actual.dtype !== expected.dtype) throw new Error(`${what}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  if (actual.shape.join('x') !== expected.shape.join('x')) {
    throw new Error(`${what}: shape ${actual.shape.join('x')}, expected ${expected.shape.join('x')}`);
  }
  if (actual.dtype !== 'FLOAT' && actual.dtype !== 'DOUBLE') {
    if (!actual.data.equals(expected.data)) throw new Error(`${what}: ${actual.dtype} values differ from the reference`);
    return;
  }
  const a = actual.values() as number[];
  const e = expected.values() as number[];
  const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= rtol * Math.abs(e[i]!) + atol * Math.max(1, scale))) {
      throw new Error(`${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
    }
  }
}
