// Test models of e2e/fixtures/onnx (made by fixtures/make-models.sh into models/onnx/) with the
// inputs they were run on and the outputs their framework computed, for the onnx-*.test.ts files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, parseCli, word } from '../src/cli-format.js';
import { E2E_ROOT, REPO_ROOT, redisCli } from '../src/harness.js';

export const ONNX_MODELS = join(E2E_ROOT, 'models', 'onnx');
/** The backend as `--loadbackend ONNX <path>` names it (relative to the server's cwd, the repo root). */
export const ONNX_BACKEND_ARGS = ['--loadbackend', 'ONNX', 'packages/backend-onnx'];
export { REPO_ROOT };

export interface FixtureTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Buffer;
}

export interface OnnxFixture {
  readonly file: string;
  readonly model: Buffer;
  readonly inputs: FixtureTensor[];
  readonly outputs: FixtureTensor[];
}

export function onnxFixture(name: string): OnnxFixture {
  const manifest = JSON.parse(readFileSync(join(ONNX_MODELS, `${name}.json`), 'utf8')) as {
    model: string;
    inputs: Array<Omit<FixtureTensor, 'bytes'> & { file: string }>;
    outputs: Array<Omit<FixtureTensor, 'bytes'> & { file: string }>;
  };
  const read = ({ file, ...e }: Omit<FixtureTensor, 'bytes'> & { file: string }): FixtureTensor => ({
    ...e,
    bytes: readFileSync(join(ONNX_MODELS, file)),
  });
  const file = join(ONNX_MODELS, manifest.model);
  return { file, model: readFileSync(file), inputs: manifest.inputs.map(read), outputs: manifest.outputs.map(read) };
}

export function onnxFile(name: string): Buffer {
  return readFileSync(join(ONNX_MODELS, name));
}

/** Compares little-endian tensor bytes: integers exactly, FLOAT/DOUBLE within a tolerance. */
export function assertBytesClose(dtype: string, got: Buffer, want: Buffer, where: string): void {
  assert.equal(got.length, want.length, `${where}: byte length`);
  if (dtype !== 'FLOAT' && dtype !== 'DOUBLE') {
    assert.ok(got.equals(want), `${where}: bytes differ`);
    return;
  }
  const size = dtype === 'FLOAT' ? 4 : 8;
  const tolerance = dtype === 'FLOAT' ? 1e-4 : 1e-9;
  for (let i = 0; i < got.length; i += size) {
    const a = size === 4 ? got.readFloatLE(i) : got.readDoubleLE(i);
    const b = size === 4 ? want.readFloatLE(i) : want.readDoubleLE(i);
    assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${where}[${i / size}]: ${a} is not close to ${b}`);
  }
}

/** Every fixture model the tests run, in order of the make_*.py script that writes it. */
export const RUN_CASES = ['tiny_mul', 'mnist_cnn', 'int64_affine', 'two_outputs', 'dtypes', 'string_identity'] as const;

/** redis-cli bound to one server: the reply parsed from its --no-raw output; stdin goes as the last argument (-x). */
export function cliFor(port: number): (args: string[], stdin?: Buffer) => Promise<CliValue> {
  return async (args, stdin) => {
    const r = await redisCli(port, stdin ? ['-x', ...args] : args, stdin);
    assert.equal(r.code, 0, `redis-cli ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return parseCli(r.stdout);
  };
}

export function errorOf(v: CliValue): string | undefined {
  return v && !Buffer.isBuffer(v) && !Array.isArray(v) && 'error' in v ? v.error : undefined;
}

/** The tensor at `key` as AI.TENSORGET BLOB returns it through redis-cli. */
export async function cliTensor(cli: (args: string[]) => Promise<CliValue>, key: string): Promise<{ dtype: string; shape: number[]; blob: Buffer }> {
  const reply = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
  assert.equal(reply.length, 3, `AI.TENSORGET ${key} BLOB: ${show(reply)}`);
  return { dtype: word(reply[0]), shape: asArray(reply[1]).map((d) => Number(asInteger(d))), blob: asBuffer(reply[2]) };
}
