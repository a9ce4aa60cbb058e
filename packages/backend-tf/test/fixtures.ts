import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DType, Tensor, parseDType } from '@modelkv/core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TF_PYTHON = join(REPO_ROOT, '.cache/tf-venv/bin/python');
const MAKE_MODELS = join(REPO_ROOT, 'e2e/fixtures/make-models.sh');
export const MODELS = join(REPO_ROOT, 'e2e/models/tf');

/** Runs the TF fixture scripts whose outputs are missing, through e2e/fixtures/make-models.sh. */
export function ensureModels(): void {
  if (!existsSync(TF_PYTHON)) {
    throw new Error(`${TF_PYTHON} is missing: run packages/backend-tf/scripts/provision.sh`);
  }
  execFileSync('bash', [MAKE_MODELS, 'tf/make_*.py'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface FixtureTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

export interface Fixture {
  readonly blob: Buffer;
  readonly inputs: readonly FixtureTensor[];
  readonly outputs: readonly FixtureTensor[];
}

interface ManifestEntry {
  name: string;
  dtype: string;
  shape: number[];
  file: string;
}

/** A model's GraphDef with the inputs it was run on and TensorFlow's outputs. */
export function loadFixture(name: string): Fixture {
  const manifest = JSON.parse(readFileSync(join(MODELS, `${name}.json`), 'utf8')) as {
    model: string;
    inputs: ManifestEntry[];
    outputs: ManifestEntry[];
  };
  const tensors = (entries: ManifestEntry[]): FixtureTensor[] =>
    entries.map((e) => ({ name: e.name, tensor: Tensor.fromBlob(parseDType(e.dtype), e.shape, readFileSync(join(MODELS, e.file))) }));
  return { blob: readFileSync(join(MODELS, manifest.model)), inputs: tensors(manifest.inputs), outputs: tensors(manifest.outputs) };
}

export const DTYPE_FIXTURES: readonly { dtype: DType; name: string }[] = [
  'FLOAT',
  'DOUBLE',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'BOOL',
  'STRING',
].map((d) => ({ dtype: d as DType, name: `dtype_${d.toLowerCase()}` }));

/** Largest |a - b| over two FLOAT tensors of one shape. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.values() as number[];
  const y = b.values() as number[];
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}
