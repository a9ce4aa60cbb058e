#!/usr/bin/env node
// `pnpm bench:onnx-models`: what 200 small ONNX models cost: memory (RSS) and threads of the
// process holding them, for the ONNX backend's session pool at its default size (one worker per
// run slot) next to a pool as large as the number of models, which is one worker thread and one
// V8 isolate per model (the backend's former design), measured in the same run. Each
// configuration loads the models in a fresh process, runs each once, and reports the growth
// over the same process with the backend loaded and no model. A last row loads the same models
// into a modelkv-server (process isolation) and adds up the server and its ONNX process.
//
// MODELS (default 200) sets the number of models.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './lib/paths.mjs';
import { startModelkv } from './lib/servers.mjs';
import { formatTable } from './lib/table.mjs';

const MODELS = Number(process.env.MODELS ?? 200);
const ONNX_DIR = join(REPO_ROOT, 'e2e', 'models', 'onnx');
const BACKEND = pathToFileURL(join(REPO_ROOT, 'packages', 'backend-onnx', 'dist', 'src', 'index.js')).href;
const CORE = pathToFileURL(join(REPO_ROOT, 'packages', 'core', 'dist', 'src', 'index.js')).href;
const CLIENT = pathToFileURL(join(REPO_ROOT, 'packages', 'client', 'dist', 'src', 'index.js')).href;

/** RSS (bytes) and threads of a process, from /proc. */
function usage(pid = 'self') {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { rss: field('VmRSS') * 1024, threads: field('Threads') };
}

// Run in a child process: load `count` models with the pool sized by `threadsPerQueue`.
const CHILD = `
import { readFileSync } from 'node:fs';
const [count, threadsPerQueue, intraOpThreads, file] = JSON.parse(process.argv[2]);
const { Tensor } = await import(${JSON.stringify(CORE)});
const { backend } = await import(${JSON.stringify(BACKEND)});
backend.init({ intraOpThreads, interOpThreads: 0, allowUnsafeOps: false, threadsPerQueue });
const usage = ${usage.toString()};
const blob = readFileSync(file);
const a = Tensor.fromArray('FLOAT', [2, 3], [1, 2, 3, 4, 5, 6]);
globalThis.gc?.();
const before = usage();
const models = [];
for (let i = 0; i < count; i++) models.push(await backend.loadModel(blob, { device: { kind: 'CPU', index: 0 }, inputs: [], outputs: [] }));
for (const m of models) await m.run([a, a], 1);
globalThis.gc?.();
const after = usage();
console.log(JSON.stringify({ before, after, workers: backend.workerCount }));
for (const m of models) await m.release();
process.exit(0);
`;

function child(count, threadsPerQueue, intraOpThreads) {
  const file = join(ONNX_DIR, 'tiny_mul.onnx');
  // A file, not `-e`: worker threads inherit the process's flags, and --input-type is not one for them.
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-bench-'));
  const script = join(dir, 'load-models.mjs');
  writeFileSync(script, CHILD);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', script, JSON.stringify([count, threadsPerQueue, intraOpThreads, file])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()));
      else reject(new Error(`child exited ${code}`));
    });
  });
}

async function viaServer(count) {
  const { createModelkvClient } = await import(CLIENT);
  const server = await startModelkv(['--loadbackend', 'ONNX', 'packages/backend-onnx']);
  const client = await createModelkvClient({ socket: { host: '127.0.0.1', port: server.port } }).connect();
  try {
    const info = await client.redis.sendCommand(['INFO', 'backends']);
    const pid = Number(/^backend_onnx:.*pid=(\d+)/m.exec(String(info))[1]);
    const serverPid = Number(/^process_id:(\d+)/m.exec(String(await client.redis.sendCommand(['INFO', 'server'])))[1]);
    const total = () => {
      const a = usage(serverPid);
      const b = usage(pid);
      return { rss: a.rss + b.rss, threads: a.threads + b.threads };
    };
    const blob = readFileSync(join(ONNX_DIR, 'tiny_mul.onnx'));
    await client.redis.sendCommand(['AI.TENSORSET', 'a', 'FLOAT', '2', '3', 'VALUES', '1', '2', '3', '4', '5', '6']);
    const before = total();
    for (let i = 0; i < count; i++) await client.redis.sendCommand(['AI.MODELSET', `m${i}`, 'ONNX', 'CPU', blob]);
    for (let i = 0; i < count; i++) await client.redis.sendCommand(['AI.MODELRUN', `m${i}`, 'INPUTS', 'a', 'a', 'OUTPUTS', 'c']);
    return { before, after: total() };
  } finally {
    await client.close();
    await server.stop();
  }
}

const mb = (b) => (b / 2 ** 20).toFixed(1);

async function main() {
  execFileSync('bash', [join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh'), 'onnx/make_tiny.py'], { stdio: 'inherit' });
  const configs = [
    { label: `one worker per model (pool of ${MODELS})`, threadsPerQueue: MODELS, intraOpThreads: 0 },
    { label: 'shared pool, --threads-per-queue 1 (default)', threadsPerQueue: 1, intraOpThreads: 0 },
    { label: 'shared pool, --threads-per-queue 4', threadsPerQueue: 4, intraOpThreads: 0 },
    { label: 'shared pool, --intra-op-threads 1', threadsPerQueue: 1, intraOpThreads: 1 },
  ];
  const rows = [];
  const results = [];
  for (const c of configs) {
    const r = await child(MODELS, c.threadsPerQueue, c.intraOpThreads);
    results.push(r);
    const rss = r.after.rss - r.before.rss;
    const threads = r.after.threads - r.before.threads;
    rows.push([c.label, String(r.workers), mb(rss), (rss / MODELS / 2 ** 20).toFixed(2), String(threads), (threads / MODELS).toFixed(2)]);
  }
  const s = await viaServer(MODELS);
  const rss = s.after.rss - s.before.rss;
  const threads = s.after.threads - s.before.threads;
  rows.push([
    'server + ONNX process, --threads-per-queue 1',
    '1',
    mb(rss),
    (rss / MODELS / 2 ** 20).toFixed(2),
    String(threads),
    (threads / MODELS).toFixed(2),
  ]);
  console.log(`\n${MODELS} ONNX models (tiny_mul.onnx, ${readFileSync(join(ONNX_DIR, 'tiny_mul.onnx')).length} bytes), each run once\n`);
  console.log(formatTable(['configuration', 'workers', '+RSS MB', 'MB/model', '+threads', 'threads/model'], rows));
  const base = results[0];
  const pool = results[1];
  console.log(
    `\nshared pool / one worker per model: RSS growth ${((pool.after.rss - pool.before.rss) / (base.after.rss - base.before.rss)).toFixed(3)}, ` +
      `thread growth ${((pool.after.threads - pool.before.threads) / (base.after.threads - base.before.threads)).toFixed(3)}` +
      `\nonnxruntime gives each session its own intra-op thread pool (cores - 1 threads; none with --intra-op-threads 1), whatever the worker.`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
