// Frozen TF graphs of e2e/fixtures/tf (made by fixtures/make-models.sh into models/tf/ with the
// venv python of packages/backend-tf/scripts/provision.sh), with the inputs they were run on and
// the outputs TensorFlow computed, for the tf-*.test.ts files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_ROOT } from '../src/harness.js';

// The redis-cli helpers are the generic ones of the ONNX tests.
export { cliFor, cliTensor, errorOf } from './onnx-fixtures.js';

export const TF_MODELS = join(E2E_ROOT, 'models', 'tf');
/** The backend as `--loadbackend TF <path>` names it (relative to the server's cwd, the repo root). */
export const TF_BACKEND_ARGS = ['--loadbackend', 'TF', 'packages/backend-tf'];

export interface TfTensor {
  /** The graph node (INPUTS / OUTPUTS name). */
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Buffer;
}

export interface TfFixture {
  readonly file: string;
  readonly graph: Buffer;
  readonly inputs: TfTensor[];
  readonly outputs: TfTensor[];
}

type Entry = Omit<TfTensor, 'bytes'> & { file: string };

export function tfFixture(name: string): TfFixture {
  const manifest = JSON.parse(readFileSync(join(TF_MODELS, `${name}.json`), 'utf8')) as { model: string; inputs: Entry[]; outputs: Entry[] };
  const read = ({ file, ...e }: Entry): TfTensor => ({ ...e, bytes: readFileSync(join(TF_MODELS, file)) });
  const file = join(TF_MODELS, manifest.model);
  return { file, graph: readFileSync(file), inputs: manifest.inputs.map(read), outputs: manifest.outputs.map(read) };
}

export function tfFile(name: string): Buffer {
  return readFileSync(join(TF_MODELS, name));
}

/** Every dtype graph, by dtype word. */
export const DTYPE_CASES = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'BOOL', 'STRING'].map((dtype) => ({
  dtype,
  name: `dtype_${dtype.toLowerCase()}`,
}));

/** Every fixture graph the run tests cover. */
export const RUN_CASES = ['mul', 'affine', 'cnn', ...DTYPE_CASES.map((c) => c.name)];

/**
 * The same graph run by the server and by TensorFlow: identical bytes, except that FLOAT / DOUBLE
 * outputs of the arithmetic graphs may differ in the last bits with thread scheduling.
 */
export function assertSameOutput(dtype: string, got: Buffer, want: Buffer, where: string, exact: boolean): void {
  assert.equal(got.length, want.length, `${where}: byte length`);
  if (exact || (dtype !== 'FLOAT' && dtype !== 'DOUBLE')) {
    assert.ok(got.equals(want), `${where}: bytes differ\n got  ${got.toString('hex').slice(0, 200)}\n want ${want.toString('hex').slice(0, 200)}`);
    return;
  }
  const size = dtype === 'FLOAT' ? 4 : 8;
  for (let i = 0; i < got.length; i += size) {
    const a = size === 4 ? got.readFloatLE(i) : got.readDoubleLE(i);
    const b = size === 4 ? want.readFloatLE(i) : want.readDoubleLE(i);
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${where}[${i / size}]: ${a} is not close to ${b}`);
  }
}

/** Whether a fixture's outputs come from exact ops (Identity, Reverse, Cast, Mul of two values). */
export function exactOutputs(name: string): boolean {
  return name === 'mul' || name.startsWith('dtype_');
}
