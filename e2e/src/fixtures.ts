// The test models of e2e/fixtures/<backend>/make_*.py, which fixtures/make-models.sh writes to
// models/<backend>/ with the inputs they were run on and the outputs their framework computed:
// JSON manifests whose tensor entries ({name?, dtype, shape, file}) name raw little-endian
// files, as e2e/fixtures/fixture_io.py writes them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_ROOT } from './harness.js';

export function modelsDir(backend: 'onnx' | 'onnx-ml' | 'torch' | 'tf'): string {
  return join(E2E_ROOT, 'models', backend);
}

export interface FixtureTensor {
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Buffer;
}

/** A tensor the model names: an ONNX input or output, a TF graph node (INPUTS / OUTPUTS name). */
export interface NamedTensor extends FixtureTensor {
  readonly name: string;
}

/** A manifest's tensor entry, its data still in `file`. */
export type TensorEntry<T extends FixtureTensor = FixtureTensor> = Omit<T, 'bytes'> & { readonly file: string };

/** A manifest's JSON, unchecked: callers assert the shape they expect. */
export function readManifest(dir: string, name: string): unknown {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
}

export function readTensor<E extends TensorEntry>(dir: string, { file, ...entry }: E): Omit<E, 'file'> & { readonly bytes: Buffer } {
  return { ...entry, bytes: readFileSync(join(dir, file)) };
}

/** An ONNX model or TF graph with named inputs and outputs: manifest {"model", "inputs", "outputs"}. */
export interface ModelFixture {
  /** Absolute path of the model file. */
  readonly file: string;
  readonly model: Buffer;
  readonly inputs: NamedTensor[];
  readonly outputs: NamedTensor[];
}

export function modelFixture(dir: string, name: string): ModelFixture {
  const manifest = readManifest(dir, name) as { model: string; inputs: TensorEntry<NamedTensor>[]; outputs: TensorEntry<NamedTensor>[] };
  const read = (e: TensorEntry<NamedTensor>): NamedTensor => readTensor(dir, e);
  const file = join(dir, manifest.model);
  return { file, model: readFileSync(file), inputs: manifest.inputs.map(read), outputs: manifest.outputs.map(read) };
}

/** Asserts two byte strings are the same, showing the start of both when they differ. */
export function assertSameBytes(got: Buffer, want: Buffer, where: string): void {
  assert.equal(got.length, want.length, `${where}: byte length`);
  assert.ok(
    got.equals(want),
    `${where}: bytes differ\n got  ${got.toString('hex').slice(0, 200)}\n want ${want.toString('hex').slice(0, 200)}`,
  );
}

/** Compares little-endian tensor bytes: integers exactly, FLOAT/DOUBLE within `rtol` of the larger of 1 and |reference|. */
export function assertBytesClose(dtype: string, got: Buffer, want: Buffer, where: string, rtol = 1e-5): void {
  if (dtype !== 'FLOAT' && dtype !== 'DOUBLE') {
    assertSameBytes(got, want, where);
    return;
  }
  assert.equal(got.length, want.length, `${where}: byte length`);
  const size = dtype === 'FLOAT' ? 4 : 8;
  for (let i = 0; i < got.length; i += size) {
    const a = size === 4 ? got.readFloatLE(i) : got.readDoubleLE(i);
    const b = size === 4 ? want.readFloatLE(i) : want.readDoubleLE(i);
    assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${where}[${i / size}]: ${a} is not close to ${b}`);
  }
}
