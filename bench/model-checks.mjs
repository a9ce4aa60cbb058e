#!/usr/bin/env node
// `pnpm bench:checks`: what the backends' safe-op checks cost at AI.MODELSET / AI.SCRIPTSET. Each
// fixture model (or script) is loaded in-process with the policy on (the default) and with
// `allowUnsafeOps` (no check: the baseline), in alternating rounds of the same run, and released.
// Prints the median load time of each side and their ratio. Runs are not affected: every check
// happens once, at load. BENCH_SCALE scales the number of loads.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './lib/paths.mjs';
import { formatTable } from './lib/table.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MODELS = join(REPO_ROOT, 'e2e', 'models');
const CPU = { kind: 'CPU', index: 0 };
const CASES = [
  { backend: 'TORCH', pkg: 'backend-torch', file: 'torch/addtwo.pt', loads: 40 },
  { backend: 'TORCH', pkg: 'backend-torch', file: 'torch/resnet18.pt', loads: 8 },
  { backend: 'TORCH', pkg: 'backend-torch', file: 'torch/functions.txt', script: true, loads: 40 },
  { backend: 'TF', pkg: 'backend-tf', file: 'tf/mul.pb', inputs: ['a', 'b'], outputs: ['c'], loads: 40 },
  { backend: 'TF', pkg: 'backend-tf', file: 'tf/cnn.pb', inputs: ['x'], outputs: ['Identity', 'Identity_1'], loads: 20 },
  { backend: 'ONNX', pkg: 'backend-onnx', file: 'onnx/mnist_cnn.onnx', loads: 20 },
  { backend: 'ONNX', pkg: 'backend-onnx', file: 'onnx/resnet18.onnx', loads: 8 },
];

const config = (allowUnsafeOps) => ({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps });

async function loadOnce(backend, c, blob) {
  const t0 = process.hrtime.bigint();
  const handle = c.script
    ? await backend.compileScript(blob.toString('utf8'), { device: CPU })
    : await backend.loadModel(blob, { device: CPU, inputs: c.inputs ?? [], outputs: c.outputs ?? [] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await handle.release();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

execFileSync('bash', [join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const rows = [];
for (const c of CASES) {
  const { backend } = await import(pathToFileURL(join(REPO_ROOT, 'packages', c.pkg, 'dist', 'src', 'index.js')).href);
  const blob = readFileSync(join(MODELS, c.file));
  const checked = [];
  const unchecked = [];
  const loads = Math.max(2, Math.round(c.loads * SCALE));
  await backend.init(config(false));
  await loadOnce(backend, c, blob); // warm up both paths before timing
  for (let i = 0; i < loads; i++) {
    await backend.init(config(i % 2 === 0));
    (i % 2 === 0 ? unchecked : checked).push(await loadOnce(backend, c, blob));
    await backend.init(config(i % 2 !== 0));
    (i % 2 !== 0 ? unchecked : checked).push(await loadOnce(backend, c, blob));
  }
  const [a, b] = [median(checked), median(unchecked)];
  rows.push([
    c.backend,
    c.file.split('/')[1],
    `${(blob.length / 1024).toFixed(0)} KiB`,
    b.toFixed(2),
    a.toFixed(2),
    (a - b).toFixed(2),
    `${(a / b).toFixed(2)}x`,
  ]);
}
console.log(formatTable(['backend', 'model', 'size', 'no check ms', 'checked ms', 'added ms', 'ratio'], rows));
process.exit(0);
