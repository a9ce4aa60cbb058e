// Frozen TF graphs of e2e/fixtures/tf (made by fixtures/make-models.sh into models/tf/ with the
// venv python of packages/backend-tf/scripts/provision.sh), with the inputs they were run on and
// the outputs TensorFlow computed, for the tf-*.test.ts files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelFixture, assertBytesClose, assertSameBytes, modelFixture, modelsDir } from '../src/fixtures.js';

export const TF_MODELS = modelsDir('tf');
/** The backend as `--loadbackend TF <path>` names it (relative to the server's cwd, the repo root). */
export const TF_BACKEND_ARGS = ['--loadbackend', 'TF', 'packages/backend-tf'];

/** A graph (`model`) with its inputs and outputs, each named by its node (INPUTS / OUTPUTS name). */
export function tfFixture(name: string): ModelFixture {
  return modelFixture(TF_MODELS, name);
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
  if (exact) assertSameBytes(got, want, where);
  else assertBytesClose(dtype, got, want, where, 1e-5);
}

/** Whether a fixture's outputs come from exact ops (Identity, Reverse, Cast, Mul of two values). */
export function exactOutputs(name: string): boolean {
  return name === 'mul' || name.startsWith('dtype_');
}
