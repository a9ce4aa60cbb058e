// ONNX cases for `pnpm bench:models`: the tiny two-input model and ResNet-18 (random weights),
// through the server with AI.MODELRUN and in-process with onnxruntime-node on the same inputs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Where the backend package lives (relative to the repository root) and its identifier. */
export const backend = { name: 'ONNX', path: 'packages/backend-onnx' };

const ORT_TYPES = { FLOAT: 'float32', DOUBLE: 'float64', INT64: 'int64', INT32: 'int32' };
const ARRAYS = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array };

function fixture(dir, name) {
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const tensor = (e) => ({ ...e, bytes: readFileSync(join(dir, e.file)) });
  return { model: readFileSync(join(dir, manifest.model)), inputs: manifest.inputs.map(tensor), outputs: manifest.outputs.map(tensor) };
}

function ortTensor(ort, entry) {
  const type = ORT_TYPES[entry.dtype];
  const Ctor = ARRAYS[type];
  // Copy into a fresh, aligned buffer: the file's Buffer may sit at any offset of a shared pool.
  const data = new Ctor(new Uint8Array(entry.bytes).buffer.slice(0));
  return new ort.Tensor(type, data, entry.shape);
}

function closeEnough(got, want) {
  if (got.length !== want.length) return false;
  const a = new Float32Array(new Uint8Array(got).buffer);
  const b = new Float32Array(new Uint8Array(want).buffer);
  return a.every((x, i) => Math.abs(x - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])));
}

async function modelCase(ctx, ort, { label, name, iterations, throughputIterations, clients }) {
  const dir = ctx.modelsDir('onnx');
  const fx = fixture(dir, name);
  const session = await ort.InferenceSession.create(fx.model);
  const feeds = Object.fromEntries(fx.inputs.map((e) => [e.name, ortTensor(ort, e)]));
  const keys = fx.inputs.map((e) => `bench:onnx:${name}:${e.name}`);
  const outKeys = fx.outputs.map((e) => `bench:onnx:${name}:out:${e.name}`);
  const modelKey = `bench:onnx:${name}`;
  const command = ['AI.MODELRUN', modelKey, 'INPUTS', ...keys, 'OUTPUTS', ...outKeys];
  return {
    name: label,
    iterations,
    throughputIterations,
    clients,
    async setupServer(client) {
      await client.modelSet(modelKey, { backend: 'ONNX', device: 'CPU', blob: fx.model });
      for (const [i, e] of fx.inputs.entries()) {
        await client.redis.sendCommand(['AI.TENSORSET', keys[i], e.dtype, ...e.shape.map(String), 'BLOB', e.bytes]);
      }
      await client.redis.sendCommand(command);
      const [, , blob] = await client.redis.sendCommand(['AI.TENSORGET', outKeys[0], 'BLOB'], { typeMapping: { 36: Buffer } });
      if (!closeEnough(blob, fx.outputs[0].bytes)) throw new Error(`${label}: the server's output differs from the reference`);
    },
    runServer: (client) => client.redis.sendCommand(command),
    runInProcess: () => session.run(feeds),
    dispose: () => session.release(),
  };
}

/** @param {import('../models.mjs').BenchContext} ctx */
export default async function cases(ctx) {
  const ort = createRequire(join(ctx.repoRoot, backend.path, 'package.json'))('onnxruntime-node');
  return [
    await modelCase(ctx, ort, { label: 'ONNX tiny (a*b, 2x3)', name: 'tiny_mul', iterations: 4000, throughputIterations: 8000, clients: 8 }),
    await modelCase(ctx, ort, { label: 'ONNX ResNet-18 (1x3x224x224)', name: 'resnet18', iterations: 60, throughputIterations: 120, clients: 4 }),
  ];
}
