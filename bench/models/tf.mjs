// TF cases for `pnpm bench:models`: the specification's a * b graph and the small CNN (frozen
// GraphDefs from e2e/fixtures/tf), through the server with AI.MODELRUN and in-process through the
// TF backend's native addon (the same libtensorflow session API, no socket, no run queue).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeEnough, modelFixture, serverCase } from '../lib/model-cases.mjs';

/** Where the backend package lives (relative to the repository root) and its identifier. */
export const backend = { name: 'TF', path: 'packages/backend-tf' };

async function graphCase(ctx, tf, core, { label, kind, name, iterations, throughputIterations, clients }) {
  const fx = modelFixture(ctx.modelsDir('tf'), name);
  const inputNames = fx.inputs.map((e) => e.name);
  const outputNames = fx.outputs.map((e) => e.name);
  const model = await tf.backend.loadModel(fx.model, { device: { kind: 'CPU', index: 0 }, inputs: inputNames, outputs: outputNames });
  const tensors = fx.inputs.map((e) => core.Tensor.fromBlob(e.dtype, e.shape, e.data));
  const [first] = await model.run(tensors, outputNames.length);
  if (!closeEnough(first.data, fx.outputs[0].data, 1e-5)) throw new Error(`${label}: the in-process output differs from TensorFlow's`);

  const modelKey = `bench:tf:${name}`;
  const keys = fx.inputs.map((e) => `bench:tf:${name}:${e.name}`);
  const outKeys = fx.outputs.map((e) => `bench:tf:${name}:out:${e.name}`);
  const command = ['AI.MODELRUN', modelKey, 'INPUTS', ...keys, 'OUTPUTS', ...outKeys];
  return serverCase({
    label,
    kind,
    iterations,
    throughputIterations,
    clients,
    store: (client) =>
      client.modelSet(modelKey, { backend: 'TF', device: 'CPU', inputs: inputNames, outputs: outputNames, blob: fx.model }),
    keys,
    inputs: fx.inputs,
    command,
    outKey: outKeys[0],
    want: fx.outputs[0].data,
    rtol: 1e-5,
    reference: "TensorFlow's",
    runInProcess: () => model.run(tensors, outputNames.length),
    dispose: () => model.release(),
  });
}

/** @param {import('../models.mjs').BenchContext} ctx */
export default async function cases(ctx) {
  const tf = await import(pathToFileURL(join(ctx.repoRoot, backend.path, 'dist', 'src', 'index.js')).href);
  const core = await import(pathToFileURL(join(ctx.repoRoot, 'packages', 'core', 'dist', 'src', 'index.js')).href);
  return [
    await graphCase(ctx, tf, core, {
      label: 'TF a*b graph (2x3)',
      kind: 'tiny',
      name: 'mul',
      iterations: 4000,
      throughputIterations: 8000,
      clients: 32,
    }),
    await graphCase(ctx, tf, core, { label: 'TF CNN (4x28x28x1)', name: 'cnn', iterations: 1000, throughputIterations: 2000, clients: 4 }),
  ];
}
