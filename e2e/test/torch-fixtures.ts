// TorchScript models and scripts of e2e/fixtures/torch (made by fixtures/make-models.sh into
// models/torch/) with the inputs they were run on and Python torch's outputs, for torch-*.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, parseCli, word } from '../src/cli-format.js';
import { E2E_ROOT, redisCli } from '../src/harness.js';

export const TORCH_MODELS = join(E2E_ROOT, 'models', 'torch');
/** The backend as `--loadbackend TORCH <path>` names it (relative to the server's cwd, the repo root). */
export const TORCH_BACKEND_ARGS = ['--loadbackend', 'TORCH', 'packages/backend-torch'];
/** The dtypes libtorch has, in the order the dtype_* models return their casts. */
export const TORCH_DTYPES = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as const;

export interface FixtureTensor {
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Buffer;
}

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

interface Entry {
  readonly dtype: string;
  readonly shape: number[];
  readonly file: string;
}

export function torchFixture(name: string): TorchFixture {
  const { kind, file, cases, ...extra } = JSON.parse(readFileSync(join(TORCH_MODELS, `${name}.json`), 'utf8')) as {
    kind: 'model' | 'script';
    file: string;
    cases: Array<{ function?: string; inputs: Entry[]; outputs?: Entry[] }>;
  } & Record<string, unknown>;
  const read = (e: Entry): FixtureTensor => ({ dtype: e.dtype, shape: e.shape, bytes: readFileSync(join(TORCH_MODELS, e.file)) });
  const path = join(TORCH_MODELS, file);
  return {
    kind,
    path,
    artifact: readFileSync(path),
    cases: cases.map((c) => ({ ...(c.function ? { function: c.function } : {}), inputs: c.inputs.map(read), outputs: (c.outputs ?? []).map(read) })),
    extra,
  };
}

/** Compares little-endian tensor bytes: integers exactly, FLOAT/DOUBLE within `rtol` of the larger of 1 and |reference|. */
export function assertBytesClose(dtype: string, got: Buffer, want: Buffer, where: string, rtol = 1e-5): void {
  assert.equal(got.length, want.length, `${where}: byte length`);
  if (dtype !== 'FLOAT' && dtype !== 'DOUBLE') {
    assert.ok(got.equals(want), `${where}: bytes differ`);
    return;
  }
  const size = dtype === 'FLOAT' ? 4 : 8;
  for (let i = 0; i < got.length; i += size) {
    const a = size === 4 ? got.readFloatLE(i) : got.readDoubleLE(i);
    const b = size === 4 ? want.readFloatLE(i) : want.readDoubleLE(i);
    assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${where}[${i / size}]: ${a} is not close to ${b}`);
  }
}

export type Cli = (args: string[], stdin?: Buffer) => Promise<CliValue>;

/** redis-cli bound to one server: the reply parsed from its --no-raw output; stdin goes as the last argument (-x). */
export function cliFor(port: number): Cli {
  return async (args, stdin) => {
    const r = await redisCli(port, stdin ? ['-x', ...args] : args, stdin);
    assert.equal(r.code, 0, `redis-cli ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return parseCli(r.stdout);
  };
}

export function errorOf(v: CliValue): string | undefined {
  return v && !Buffer.isBuffer(v) && !Array.isArray(v) && 'error' in v ? v.error : undefined;
}

/** Stores tensors under `<prefix>:in<i>` with redis-cli (AI.TENSORSET ... BLOB) and returns the keys. */
export async function storeTensors(cli: Cli, prefix: string, tensors: readonly FixtureTensor[]): Promise<string[]> {
  const keys: string[] = [];
  for (const [i, t] of tensors.entries()) {
    const key = `${prefix}:in${i}`;
    assert.deepEqual(await cli(['AI.TENSORSET', key, t.dtype, ...t.shape.map(String), 'BLOB'], t.bytes), { status: 'OK' });
    keys.push(key);
  }
  return keys;
}

/** The tensor at `key` as AI.TENSORGET BLOB returns it through redis-cli. */
export async function cliTensor(cli: Cli, key: string): Promise<{ dtype: string; shape: number[]; blob: Buffer }> {
  const reply = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
  assert.equal(reply.length, 3, `AI.TENSORGET ${key} BLOB: ${show(reply)}`);
  return { dtype: word(reply[0]), shape: asArray(reply[1]).map((d) => Number(asInteger(d))), blob: asBuffer(reply[2]) };
}

/** Checks the tensors at `keys` against a case's reference outputs, in order. */
export async function assertOutputs(cli: Cli, keys: readonly string[], want: readonly FixtureTensor[], where: string, rtol?: number): Promise<void> {
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
  return asArray(await cli(['AI.INFO', key])).map((v) => (v && !Buffer.isBuffer(v) && !Array.isArray(v) && 'integer' in v ? String(v.integer) : word(v)));
}
