#!/usr/bin/env node
// `pnpm bench:batching`: automatic batching. 32 clients (redis-benchmark -c 32) each run a small
// CNN (e2e's mnist_cnn: two convolutions and a linear layer, ONNX) on one 1x1x28x28 image at a
// time with AI.MODELEXECUTE, against the same model stored twice in one server: without batching
// and with BATCHSIZE 32. Each client keeps one run in flight. The two alternate in short rounds,
// so that drifts in the machine's load hit both alike; the table gives runs per second over all
// rounds, the median of the rounds' p50 and p99 latencies, and the median of the per-round
// throughput ratios. Rows with one client show what batching costs a client alone: nothing with
// BATCHSIZE only, up to MINBATCHTIMEOUT per run with MINBATCHSIZE.
//
// Before timing, every one of 32 typed clients runs its own image through a batch and checks
// that it got that image's log-probabilities (PyTorch's, from the fixture).
//
// All of it twice, on two servers one after the other: with onnxruntime's default, whose
// intra-op threads spin-wait for work between runs (a lone client is answered sooner), and with
// --intra-op-spinning no (the cores go to the server and the next batch under load).
//
// BENCH_SCALE scales the runs; BENCH_ROUNDS sets the rounds (default 8).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeEnough, modelFixture } from './lib/model-cases.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { redisBenchmarkStats } from './lib/redis-benchmark.mjs';
import { startModelkv } from './lib/servers.mjs';
import { formatTable } from './lib/table.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const CLIENTS = 32;
const RUNS = Math.max(CLIENTS * 8, Math.round(16000 * SCALE));
const ALONE_RUNS = Math.max(50, Math.round(1600 * SCALE));
const AIM = 3;
const CLIENT_ENTRY = join(REPO_ROOT, 'packages', 'client', 'dist', 'src', 'index.js');
const BACKEND = join(REPO_ROOT, 'packages', 'backend-onnx');

const MODELS = {
  none: { key: 'bench:cnn:none', label: 'no batching' },
  batch: { key: 'bench:cnn:batch', label: `BATCHSIZE ${CLIENTS}`, batching: { batchSize: CLIENTS } },
  min: {
    key: 'bench:cnn:min',
    label: `BATCHSIZE ${CLIENTS} MINBATCHSIZE 8 MINBATCHTIMEOUT 5`,
    batching: { batchSize: CLIENTS, minBatchSize: 8, minBatchTimeout: 5 },
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Alternating rounds of each model with `clients` redis-benchmark clients; totals and medians per model. */
async function compare(port, models, clients, runs) {
  const perRound = Math.max(clients * 2, Math.ceil(runs / ROUNDS));
  const rounds = models.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, m] of models.entries()) {
      const command = ['AI.MODELEXECUTE', m.key, 'INPUTS', '1', 'bench:cnn:in', 'OUTPUTS', '1', `bench:cnn:out:${m.key}`];
      rounds[i].push(await redisBenchmarkStats({ port, clients, pipeline: 1, requests: perRound, command }));
    }
  }
  return rounds.map((list) => ({
    rps: (perRound * list.length) / list.reduce((s, x) => s + perRound / x.rps, 0),
    p50: median(list.map((x) => x.p50)),
    p99: median(list.map((x) => x.p99)),
    ratios: list.map((x, k) => x.rps / rounds[0][k].rps),
  }));
}

async function checkOutputs(port, fx, createModelkvClient) {
  const [images] = fx.inputs;
  const [logprobs] = fx.outputs;
  const samples = images.shape[0];
  const imageBytes = images.data.length / samples;
  const rowBytes = logprobs.data.length / samples;
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => createModelkvClient({ socket: { host: '127.0.0.1', port }, redisai: '1.2' }).connect()),
  );
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        const sample = i % samples;
        const image = new Uint8Array(images.data.subarray(sample * imageBytes, (sample + 1) * imageBytes));
        await client.tensorSet(`bench:cnn:in:${i}`, { dtype: 'FLOAT', shape: [1, 1, 28, 28], data: image });
      }),
    );
    for (let pass = 0; pass < 2; pass++) {
      await Promise.all(
        clients.map(async (client, i) => {
          await client.modelExecute(MODELS.batch.key, { inputs: [`bench:cnn:in:${i}`], outputs: [`bench:cnn:out:${i}`] });
          const out = await client.tensorGet(`bench:cnn:out:${i}`);
          const sample = i % samples;
          const want = logprobs.data.subarray(sample * rowBytes, (sample + 1) * rowBytes);
          if (!closeEnough(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength), want, 1e-4)) {
            throw new Error(`client ${i}: the batched run's output is not its image's`);
          }
        }),
      );
    }
    const info = await clients[0].info(MODELS.batch.key);
    return info;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** The server settings compared: onnxruntime's default (spinning intra-op threads) and without spinning. */
const SETTINGS = [
  { label: 'default (intra-op threads spin-wait)', args: [] },
  { label: '--intra-op-spinning no', args: ['--intra-op-spinning', 'no'] },
];

async function measureSetting(setting, fx, createModelkvClient) {
  const server = await startModelkv(['--loadbackend', 'ONNX', BACKEND, ...setting.args]);
  try {
    const admin = await createModelkvClient({ socket: { host: '127.0.0.1', port: server.port }, redisai: '1.2' }).connect();
    try {
      for (const m of Object.values(MODELS)) {
        await admin.modelStore(m.key, { backend: 'ONNX', device: 'CPU', blob: fx.model, ...(m.batching ? { batching: m.batching } : {}) });
      }
      const [images] = fx.inputs;
      await admin.tensorSet('bench:cnn:in', {
        dtype: 'FLOAT',
        shape: [1, 1, 28, 28],
        data: new Uint8Array(images.data.subarray(0, images.data.length / images.shape[0])),
      });
    } finally {
      await admin.close();
    }
    const info = await checkOutputs(server.port, fx, createModelkvClient);
    console.log(`\n${setting.label}: modelkv-server on :${server.port}; ${CLIENTS} clients' batched outputs checked (${info.calls} runs)`);
    console.log(`${ROUNDS} alternating rounds, ${RUNS} runs per model with ${CLIENTS} clients (scale ${SCALE})\n`);

    const [none, batched] = await compare(server.port, [MODELS.none, MODELS.batch], CLIENTS, RUNS);
    const [aloneNone, aloneBatch, aloneMin] = await compare(server.port, [MODELS.none, MODELS.batch, MODELS.min], 1, ALONE_RUNS);
    const ms = (x) => x.toFixed(2);
    const rate = (x) => Math.round(x).toLocaleString('en-US');
    const row = (m, clients, s) => [m.label, String(clients), rate(s.rps), ms(s.p50), ms(s.p99), median(s.ratios).toFixed(2)];
    console.log(
      formatTable(
        ['model', 'clients', 'runs/s', 'p50 ms', 'p99 ms', 'ratio'],
        [
          row(MODELS.none, CLIENTS, none),
          row(MODELS.batch, CLIENTS, batched),
          row(MODELS.none, 1, aloneNone),
          row(MODELS.batch, 1, aloneBatch),
          row(MODELS.min, 1, aloneMin),
        ],
      ),
    );
    const ratio = median(batched.ratios);
    const spread = `${Math.min(...batched.ratios).toFixed(2)}–${Math.max(...batched.ratios).toFixed(2)}`;
    return { label: setting.label, ratio, spread };
  } finally {
    await server.stop();
  }
}

async function main() {
  execFileSync('bash', [join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh'), 'onnx/make_mnist_cnn.py'], { stdio: 'pipe' });
  const fx = modelFixture(join(REPO_ROOT, 'e2e', 'models', 'onnx'), 'mnist_cnn');
  const { createModelkvClient } = await import(pathToFileURL(CLIENT_ENTRY).href);
  const results = [];
  for (const setting of SETTINGS) results.push(await measureSetting(setting, fx, createModelkvClient));
  console.log('\nratio: median over the rounds of runs/s against the model without batching, same server and clients');
  for (const r of results) {
    console.log(
      `${r.label}: BATCHSIZE ${CLIENTS} with ${CLIENTS} clients ${r.ratio.toFixed(2)}x (rounds ${r.spread}); aim ≥ ${AIM}x: ${r.ratio >= AIM ? 'met' : 'not met'}`,
    );
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
