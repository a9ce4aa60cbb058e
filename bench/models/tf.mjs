// TF cases for `pnpm bench:models`: the specification's a * b graph and the small CNN (frozen
// GraphDefs from e2e/fixtures/tf), through the server with AI.MODELRUN and in-process through the
// TF backend's native addon (the same libtensorflow session API, no socket, no run queue).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the backend package lives (relative to the repository root) and its identifier. */
export const backend = { name: 'TF', path: 'packages/backend-tf' };

function fixture(dir, name) {
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const tensor = (e) => ({ ...e, bytes: readFileSync(join(dir, e.file)) });
  return { graph: readFileSync(join(dir, manifest.model)), inputs: manifest.inputs.map(tensor), outputs: manifest.outputs.map(tensor) };
}

function closeEnough(got, want) {
  if (got.length !== want.length) return false;
  const a = new Float32Array(new Uint8Array(got).buffer);
  const b = new Float32Array(new Uint8Array(want).buffer);
  return a.every((x, i) => Math.abs(x - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])));
}

async function graphCase(ctx, tf, core, { label, name, iterations, throughputIterations, clients }) {
  const fx = fixture(ctx.modelsDir('tf'), name);
  const inputNames = fx.inputs.map((e) => e.name);
  const outputNames = fx.outputs.map((e) => e.name);
  const model = await tf.backend.loadModel(fx.graph, { device: { kind: 'CPU', index: 0 }, inputs: inputNames, outputs: outputNames });
  const tensors = fx.inputs.map((e) => core.Tensor.fromBlob(e.dtype, e.shape, e.bytes));
  const [first] = await model.run(tensors, outputNames.length);
  if (!closeEnough(first.data, fx.outputs[0].bytes)) throw new Error(`${label}: the in-process output differs from TensorFlow's`);

  const modelKey = `bench:tf:${name}`;
  const keys = fx.inputs.map((e) => `bench:tf:${name}:${e.name}`);
  const outKeys = fx.outputs.map((e) => `bench:tf:${name}:out:${e.name}`);
  const command = ['AI.MODELRUN', modelKey, 'INPUTS', ...keys, 'OUTPUTS', ...outKeys];
  return {
    name: label,
    iterations,
    throughputIterations,
    clients,
    async setupServer(client) {
      await client.modelSet(modelKey, { backend: 'TF', device: 'CPU', inputs: inputNames, outputs: outputNames, blob: fx.graph });
      for (const [i, e] of fx.inputs.entries()) {
        await client.redis.sendCommand(['AI.TENSORSET', keys[i], e.dtype, ...e.shape.map(String), 'BLOB', e.bytes]);
      }
      await client.redis.sendCommand(command);
      const [, , blob] = await client.redis.sendCommand(['AI.TENSORGET', outKeys[0], 'BLOB'], { typeMapping: { 36: Buffer } });
      if (!closeEnough(blob, fx.outputs[0].bytes)) throw new Error(`${label}: the server's output differs from TensorFlow's`);
    },
    runServer: (client) => client.redis.sendCommand(command),
    runInProcess: () => model.run(tensors, outputNames.length),
    dispose: () => model.release(),
  };
}

/** @param {import('../models.mjs').BenchContext} ctx */
export default async function cases(ctx) {
  const tf = await import(pathToFileURL(join(ctx.repoRoot, backend.path, 'dist', 'src', 'index.js')).href);
  const core = await import(pathToFileURL(join(ctx.repoRoot, 'packages', 'core', 'dist', 'src', 'index.js')).href);
  return [
    await graphCase(ctx, tf, core, { label: 'TF a*b graph (2x3)', name: 'mul', iterations: 4000, throughputIterations: 8000, clients: 8 }),
    await graphCase(ctx, tf, core, { label: 'TF CNN (4x28x28x1)', name: 'cnn', iterations: 1000, throughputIterations: 2000, clients: 4 }),
  ];
}
