// TORCH cases for `pnpm bench:models`: the traced ResNet-18 (random weights) and a traced a + b
// with AI.MODELRUN, and a small TorchScript function with AI.SCRIPTRUN, each next to the same call made in this process
// straight on the backend's native addon, on the same inputs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { casesFixture, closeEnough, serverCase } from '../lib/model-cases.mjs';

/** Where the backend package lives (relative to the repository root) and its identifier. */
export const backend = { name: 'TORCH', path: 'packages/backend-torch' };

const RTOL = 1e-3;

/**
 * One case: `store` puts the model or script on the server, `command` is the run, and
 * `inProcess` the same call on the addon in this process, checked here against Python torch.
 */
async function benchCase({ label, kind, keyPrefix, fx, c, store, command, inProcess, iterations, throughputIterations, clients }) {
  const [local] = await inProcess();
  if (!closeEnough(local.data, c.outputs[0].data, RTOL)) throw new Error(`${label}: the in-process output differs from Python torch's`);
  const keys = c.inputs.map((_, i) => `${keyPrefix}:in${i}`);
  const outKeys = c.outputs.map((_, i) => `${keyPrefix}:out${i}`);
  return serverCase({
    label,
    kind,
    iterations,
    throughputIterations,
    clients,
    store: (client) => store(client, fx.artifact),
    keys,
    inputs: c.inputs,
    command: command(keys, outKeys),
    outKey: outKeys[0],
    want: c.outputs[0].data,
    rtol: RTOL,
    reference: "Python torch's",
    runInProcess: inProcess,
  });
}

/** @param {import('../models.mjs').BenchContext} ctx */
export default async function cases(ctx) {
  const { addon } = await import(pathToFileURL(join(ctx.repoRoot, backend.path, 'dist', 'src', 'addon.js')).href);
  const dir = ctx.modelsDir('torch');
  const CPU = -1;

  const resnet = casesFixture(dir, 'resnet18');
  const resnetCase = resnet.cases[0];
  const model = await addon.loadModel(resnet.artifact, CPU);

  const addtwo = casesFixture(dir, 'addtwo');
  const addtwoCase = addtwo.cases[0];
  const addtwoModel = await addon.loadModel(addtwo.artifact, CPU);

  const functions = casesFixture(dir, 'functions');
  const addCase = functions.cases.find((c) => c.function === 'addtwo');
  const { script } = await addon.compileScript(functions.artifact.toString('utf8'), CPU, false);

  return [
    await benchCase({
      label: 'TORCH ResNet-18 (1x3x224x224) MODELRUN',
      kind: 'large',
      keyPrefix: 'bench:torch:resnet18',
      fx: resnet,
      c: resnetCase,
      store: (client, blob) => client.modelSet('bench:torch:resnet18', { backend: 'TORCH', device: 'CPU', blob }),
      command: (ins, outs) => ['AI.MODELRUN', 'bench:torch:resnet18', 'INPUTS', ...ins, 'OUTPUTS', ...outs],
      inProcess: () => addon.runModel(model, resnetCase.inputs, 1),
      iterations: 60,
      throughputIterations: 120,
      // One caller on each side: the server's CPU queue runs one model at a time by default
      // (--threads-per-queue 1), so more in-process callers would compare parallelism, not overhead.
      clients: 1,
    }),
    await benchCase({
      label: 'TORCH model addtwo (2x3) MODELRUN',
      kind: 'tiny',
      keyPrefix: 'bench:torch:addtwo-model',
      fx: addtwo,
      c: addtwoCase,
      store: (client, blob) => client.modelSet('bench:torch:addtwo', { backend: 'TORCH', device: 'CPU', blob }),
      command: (ins, outs) => ['AI.MODELRUN', 'bench:torch:addtwo', 'INPUTS', ...ins, 'OUTPUTS', ...outs],
      inProcess: () => addon.runModel(addtwoModel, addtwoCase.inputs, 1),
      iterations: 4000,
      throughputIterations: 8000,
      clients: 32,
    }),
    await benchCase({
      label: 'TORCH script addtwo (3x4) SCRIPTRUN',
      kind: 'tiny',
      keyPrefix: 'bench:torch:addtwo',
      fx: functions,
      c: addCase,
      store: (client, source) => client.scriptSet('bench:torch:fns', { device: 'CPU', source: source.toString('utf8') }),
      command: (ins, outs) => ['AI.SCRIPTRUN', 'bench:torch:fns', 'addtwo', 'INPUTS', ...ins, 'OUTPUTS', ...outs],
      inProcess: () => addon.runScript(script, 'addtwo', addCase.inputs, 1),
      iterations: 4000,
      throughputIterations: 8000,
      clients: 32,
    }),
  ];
}
