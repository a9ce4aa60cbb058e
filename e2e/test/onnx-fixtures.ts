// Test models of e2e/fixtures/onnx (made by fixtures/make-models.sh into models/onnx/) with the
// inputs they were run on and the outputs torch computed, for the onnx-*.test.ts files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelFixture, assertBytesClose, modelFixture, modelsDir } from '../src/fixtures.js';

export const ONNX_MODELS = modelsDir('onnx');
/** The backend as `--loadbackend ONNX <path>` names it (relative to the server's cwd, the repo root). */
export const ONNX_BACKEND_ARGS = ['--loadbackend', 'ONNX', 'packages/backend-onnx'];

export function onnxFixture(name: string): ModelFixture {
  return modelFixture(ONNX_MODELS, name);
}

export function onnxFile(name: string): Buffer {
  return readFileSync(join(ONNX_MODELS, name));
}

/** Compares an output with torch's: integers exactly, FLOAT within 1e-4 and DOUBLE within 1e-9 (relative). */
export function assertOnnxClose(dtype: string, got: Buffer, want: Buffer, where: string): void {
  assertBytesClose(dtype, got, want, where, dtype === 'DOUBLE' ? 1e-9 : 1e-4);
}

/** Every fixture model the tests run, in order of the make_*.py script that writes it. */
export const RUN_CASES = ['tiny_mul', 'mnist_cnn', 'int64_affine', 'two_outputs', 'dtypes', 'string_identity'] as const;
