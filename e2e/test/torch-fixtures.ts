// TorchScript models and scripts of e2e/fixtures/torch (made by fixtures/make-models.sh into
// models/torch/) with the inputs they were run on and Python torch's outputs, for torch-*.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cli, cliTensor } from '../src/cli-calls.js';
import { asArray, word } from '../src/cli-format.js';
import { type FixtureTensor, type TensorEntry, assertBytesClose, modelsDir, readManifest, readTensor } from '../src/fixtures.js';

export const TORCH_MODELS = modelsDir('torch');
/** The backend as `--loadbackend TORCH <path>` names it (relative to the server's cwd, the repo root). */
export const TORCH_BACKEND_ARGS = ['--loadbackend', 'TORCH', 'packages/backend-torch'];
/** The dtypes libtorch has, in the order the dtype_* models return their casts. */
export const TORCH_DTYPES = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as const;

export interface FixtureCase {
  readonly function?: string;
  readonly inputs: FixtureTensor[];
  readonly outputs: FixtureTensor[];
}

export interface TorchFixture {
  readonly kind: 'model' | 'script';
  /** Absolute path of the archive (.pt) or source (.txt). */
  readonly path: string;
  readonly artifact: Buffer;
  readonly cases: FixtureCase[];
  /** Other manifest fields (error references, function lists...). */
  readonly extra: Record<string, unknown>;
}

export function torchFixture(name: string): TorchFixture {
  const { kind, file, cases, ...extra } = readManifest(TORCH_MODELS, name) as {
    kind: 'model' | 'script';
    file: string;
    cases: { function?: string; inputs: TensorEntry[]; outputs?: TensorEntry[] }[];
  } & Record<string, unknown>;
  const read = (e: TensorEntry): FixtureTensor => readTensor(TORCH_MODELS, e);
  const path = join(TORCH_MODELS, file);
  return {
    kind,
    path,
    artifact: readFileSync(path),
    cases: cases.map((c) => ({
      ...(c.function ? { function: c.function } : {}),
      inputs: c.inputs.map(read),
      outputs: (c.outputs ?? []).map(read),
    })),
    extra,
  };
}

/** Checks the tensors at `keys` against a case's reference outputs, in order. */
export async function assertOutputs(
  cli: Cli,
  keys: readonly string[],
  want: readonly FixtureTensor[],
  where: string,
  rtol?: number,
): Promise<void> {
  assert.equal(keys.length, want.length, `${where}: output count`);
  for (const [i, key] of keys.entries()) {
    const got = await cliTensor(cli, key);
    assert.equal(got.dtype, want[i]!.dtype, `${where} output ${i}: dtype`);
    assert.deepEqual(got.shape, want[i]!.shape, `${where} output ${i}: shape`);
    assertBytesClose(got.dtype, got.blob, want[i]!.bytes, `${where} output ${i}`, rtol);
  }
}

/** AI.INFO's reply through redis-cli, every element as text (integers as their digits). */
export async function infoFields(cli: Cli, key: string): Promise<string[]> {
  return asArray(await cli(['AI.INFO', key])).map((v) =>
    !Buffer.isBuffer(v) && !Array.isArray(v) && 'integer' in v ? String(v.integer) : word(v),
  );
}
