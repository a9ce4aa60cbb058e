// ONNX cases for `pnpm bench:models`: the tiny two-input model and ResNet-18 (random weights),
// through the server with AI.MODELRUN and in-process with onnxruntime-node on the same inputs.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { modelFixture, serverCase } from '../lib/model-cases.mjs';

/** Where the backend package lives (relative to the repository root) and its identifier. */
export const backend = { name: 'ONNX', path: 'packages/backend-onnx' };

const ORT_TYPES = { FLOAT: 'float32', DOUBLE: 'float64', INT64: 'int64', INT32: 'int32' };
const ARRAYS = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array };

function ortTensor(ort, entry) {
  const type = ORT_TYPES[entry.dtype];
  const Ctor = ARRAYS[type];
  // Copy into a fresh, aligned buffer: the file's Buffer may sit at any offset of a shared pool.
  const data = new Ctor(new Uint8Array(entry.data).buffer.slice(0));
  return new ort.Tensor(type, data, entry.shape);
}

async function modelCase(ctx, ort, { label, kind, name, iterations, throughputIterations, clients }) {
  const fx = modelFixture(ctx.modelsDir('onnx'), name);
  const session = await ort.InferenceSession.create(fx.model);
  const feeds = Object.fromEntries(fx.inputs.map((e) => [e.name, ortTensor(ort, e)]));
  const keys = fx.inputs.map((e) => `bench:onnx:${name}:${e.name}`);
  const outKeys = fx.outputs.map((e) => `bench:onnx:${name}:out:${e.name}`);
  const modelKey = `bench:onnx:${name}`;
  const command = ['AI.MODELRUN', modelKey, 'INPUTS', ...keys, 'OUTPUTS', ...outKeys];
  return serverCase({
    label,
    kind,
    iterations,
    throughputIterations,
    clients,
    store: (client) => client.modelSet(modelKey, { backend: 'ONNX', device: 'CPU', blob: fx.model }),
    keys,
    inputs: fx.inputs,
    command,
    outKey: outKeys[0],
    want: fx.outputs[0].data,
    rtol: 1e-4,
    reference: 'the reference',
    runInProcess: () => session.run(feeds),
    dispose: () => session.release(),
  });
}

/** @param {import('../models.mjs').BenchContext} ctx */
export default async function cases(ctx) {
  const ort = createRequire(join(ctx.repoRoot, backend.path, 'package.json'))('onnxruntime-node');
  return [
    await modelCase(ctx, ort, {
      label: 'ONNX tiny (a*b, 2x3)',
      kind: 'tiny',
      name: 'tiny_mul',
      iterations: 4000,
      throughputIterations: 8000,
      clients: 32,
    }),
    await modelCase(ctx, ort, {
      label: 'ONNX ResNet-18 (1x3x224x224)',
      kind: 'large',
      name: 'resnet18',
      iterations: 60,
      throughputIterations: 120,
      clients: 4,
    }),
  ];
}
