#!/usr/bin/env node
// `pnpm bench:runs:callgrind`: what one tiny run costs the server's JavaScript thread, in
// instructions counted by valgrind's callgrind (repeatable where latencies on a shared machine
// are not): AI.MODELRUN of the traced TORCH a + b (2x3) and AI.SCRIPTRUN of a TorchScript a + b
// (3x4), with --backend-isolation none (libtorch's own threads are not counted: only the main
// thread is) and process (the backend process is not under valgrind), next to PING, the floor
// of any command. Before the counted windows the outputs of one run are checked against the
// ones Python torch gave. With BASELINE_BIN=<other bin.js> another modelkv build is measured
// too (a before/after comparison on one machine). BENCH_SCALE scales the requests per window
// (default 5,000); BENCH_PIPELINE sets redis-benchmark's pipeline (default 1: one client
// waiting for each reply, as a latency-bound client does). CALLGRIND_KEEP=<dir> keeps the dumps
// there, to read with callgrind_annotate.
// Slow: node starts in about a minute under valgrind, libtorch loads in a few more.
import { cpSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callgrindMain, measureUnderCallgrind, modelkvArgv } from './lib/callgrind.mjs';
import { casesFixture, closeEnough } from './lib/model-cases.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { formatTable } from './lib/table.mjs';

const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
const CLIENT_ENTRY = join(REPO_ROOT, 'packages', 'client', 'dist', 'src', 'index.js');
const MODELS = join(REPO_ROOT, 'e2e', 'models', 'torch');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(5_000 * SCALE);
// Long enough that the optimizing compiler is done before the counted window (it runs on the
// main thread with --single-threaded, and would otherwise be counted as the runs' cost).
const WARMUP = Math.round(10_000 * SCALE);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 1);
const RTOL = 1e-3;

const model = casesFixture(MODELS, 'addtwo');
const functions = casesFixture(MODELS, 'functions');
const scriptCase = functions.cases.find((c) => c.function === 'addtwo');

const OPERATIONS = [
  { label: 'PING', command: ['PING'], payload: false },
  {
    label: 'AI.MODELRUN TORCH a+b (2x3)',
    command: ['AI.MODELRUN', 'bench:m', 'INPUTS', 'bench:m:in0', 'bench:m:in1', 'OUTPUTS', 'bench:m:out0'],
    payload: false,
  },
  {
    label: 'AI.SCRIPTRUN TORCH a+b (3x4)',
    command: ['AI.SCRIPTRUN', 'bench:s', 'addtwo', 'INPUTS', 'bench:s:in0', 'bench:s:in1', 'OUTPUTS', 'bench:s:out0'],
    payload: false,
  },
];

/** Stores the model, the script and their inputs, runs each once and checks its output against Python torch's. */
async function setup(port) {
  const { createModelkvClient } = await import(pathToFileURL(CLIENT_ENTRY).href);
  const client = await createModelkvClient({ socket: { host: '127.0.0.1', port } }).connect();
  try {
    await client.modelSet('bench:m', { backend: 'TORCH', device: 'CPU', blob: model.artifact });
    await client.scriptSet('bench:s', { device: 'CPU', source: functions.artifact.toString('utf8') });
    for (const [prefix, c, op] of [
      ['bench:m', model.cases[0], OPERATIONS[1]],
      ['bench:s', scriptCase, OPERATIONS[2]],
    ]) {
      for (const [i, t] of c.inputs.entries()) {
        await client.redis.sendCommand(['AI.TENSORSET', `${prefix}:in${i}`, t.dtype, ...t.shape.map(String), 'BLOB', t.data]);
      }
      await client.redis.sendCommand(op.command);
      const [, , blob] = await client.redis.sendCommand(['AI.TENSORGET', `${prefix}:out0`, 'BLOB'], { typeMapping: { 36: Buffer } });
      if (!closeEnough(blob, c.outputs[0].data, RTOL)) throw new Error(`${op.label}: the server's output differs from Python torch's`);
    }
  } finally {
    await client.close();
  }
}

const BUILDS = [
  { name: 'this build', bin: SERVER_BIN },
  ...(process.env.BASELINE_BIN ? [{ name: 'baseline', bin: process.env.BASELINE_BIN }] : []),
];
/** Each build loads the TORCH backend of its own checkout (`<root>/packages/resp-server/dist/src/bin.js`). */
const torchOf = (bin) => join(dirname(bin), '..', '..', '..', 'backend-torch');
const SERVERS = BUILDS.flatMap((b) =>
  ['none', 'process'].map((isolation) => ({
    name: `${b.name}, isolation ${isolation}`,
    argv: (port) => modelkvArgv(b.bin, port, ['--backend-isolation', isolation, '--loadbackend', 'TORCH', torchOf(b.bin)]),
  })),
);

/** Copies a server's dumps to CALLGRIND_KEEP, when set. */
function keep(server, res) {
  const to = process.env.CALLGRIND_KEEP;
  if (!to) return;
  mkdirSync(to, { recursive: true });
  res.forEach((r, i) => {
    const file = join(to, `${server.replace(/[^a-z0-9]+/gi, '-')}.${i}.${basename(r.file)}`);
    cpSync(r.file, file);
    console.log(`${server}, ${OPERATIONS[i].label}: ${file}`);
  });
}

callgrindMain(async (dir) => {
  console.log(`callgrind, main thread only, ${N} requests per window, 1 client, pipeline ${PIPELINE}\n`);
  const results = [];
  for (const s of SERVERS) {
    const res = await measureUnderCallgrind({
      name: s.name,
      argv: s.argv,
      dir,
      operations: OPERATIONS,
      requests: N,
      warmup: WARMUP,
      setup,
      pipeline: PIPELINE,
      mainThread: true,
    });
    results.push(res.map((r) => r.perCommand));
    keep(s.name, res);
  }
  const rows = SERVERS.map((s, i) => {
    const [ping, ...runs] = results[i];
    return [s.name, ...[ping, ...runs, ...runs.map((r) => r - ping)].map((v) => Math.round(v).toLocaleString('en-US'))];
  });
  const header = [
    'server',
    ...OPERATIONS.map((o) => `${o.label} Ir`),
    ...OPERATIONS.slice(1).map((o) => `${o.label.split(' ')[0]} - PING`),
  ];
  console.log(`\n${formatTable(header, rows)}`);
});
