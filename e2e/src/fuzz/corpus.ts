// The seeds the fuzz mutates: small models of each backend and TorchScript sources from the e2e
// fixtures (fixtures/make-models.sh makes them), with the inputs they run on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FixtureTensor, type TensorEntry, modelFixture, modelsDir, readManifest, readTensor } from '../fixtures.js';

export type Target = 'ONNX' | 'TF' | 'TORCH' | 'TORCH scripts';

export const TARGETS: readonly Target[] = ['ONNX', 'TF', 'TORCH', 'TORCH scripts'];

/** One run of a seed: the function (scripts), the inputs, how many outputs. */
export interface SeedRun {
  readonly fn?: string;
  readonly inputs: readonly FixtureTensor[];
  readonly outputs: number;
}

export interface Seed {
  readonly name: string;
  readonly data: Buffer;
  /** INPUTS / OUTPUTS node names (TF). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly runs: readonly SeedRun[];
}

function graph(backend: 'onnx' | 'tf', name: string): Seed {
  const fx = modelFixture(modelsDir(backend), name);
  const tf = backend === 'tf';
  return {
    name,
    data: fx.model,
    inputNames: tf ? fx.inputs.map((t) => t.name) : [],
    outputNames: tf ? fx.outputs.map((t) => t.name) : [],
    runs: [{ inputs: fx.inputs, outputs: fx.outputs.length }],
  };
}

function torch(name: string): Seed {
  const dir = modelsDir('torch');
  const m = readManifest(dir, name) as { file: string; cases: { function?: string; inputs: TensorEntry[]; outputs: TensorEntry[] }[] };
  return {
    name,
    data: readFileSync(join(dir, m.file)),
    inputNames: [],
    outputNames: [],
    runs: m.cases.map((c) => ({
      ...(c.function ? { fn: c.function } : {}),
      inputs: c.inputs.map((e) => readTensor(dir, e)),
      outputs: c.outputs.length,
    })),
  };
}

/** The seeds of each target. */
export function corpus(target: Target): Seed[] {
  switch (target) {
    case 'ONNX':
      return ['tiny_mul', 'mnist_cnn', 'two_outputs', 'int64_affine'].map((n) => graph('onnx', n));
    case 'TF':
      return ['mul', 'affine', 'cnn'].map((n) => graph('tf', n));
    case 'TORCH':
      return ['addtwo', 'tuple3', 'listout', 'dtype_FLOAT', 'inplace'].map(torch);
    case 'TORCH scripts':
      return [torch('functions')];
  }
}
