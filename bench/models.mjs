#!/usr/bin/env node
// `pnpm bench:models`: AI.MODELRUN latency (p50, p99) and throughput through modelkv-server next
// to the same model called in-process with its framework, on the same inputs, in one run. Two
// servers run side by side: one with the backends in its own process (--backend-isolation none)
// and one with each backend in a process of its own (the default), so the table shows what the
// isolation costs per run.
//
// Cases come from bench/models/*.mjs. Each such file exports
//
//   export const backend = { name: 'ONNX' | 'TORCH' | 'TF', path: 'packages/backend-...' };
//   export default async function cases(ctx: BenchContext): Promise<ModelCase[]>;
//
// where BenchContext is { repoRoot, modelsDir(backend: string): string } and a ModelCase is
//
//   {
//     name: string,                                  // the row label
//     iterations: number,                            // timed calls in the latency pass (concurrency 1)
//     throughputIterations: number,                  // calls in the throughput pass
//     clients: number,                               // concurrent clients (and in-process callers) in that pass
//     setupServer(client: ModelkvClient): Promise<void>,  // store the model and its input tensors
//     runServer(client: ModelkvClient): Promise<unknown>, // one AI.MODELRUN (inputs already stored)
//     runInProcess(): Promise<unknown>,              // the same model, same inputs, in this process
//     dispose?(): Promise<void> | void,
//   }
//
// A case file whose backend package is not built, or fails to load, is skipped. Each server runs
// every case, with each built backend loaded by AI.CONFIG LOADBACKEND. BENCH_SCALE scales the
// iterations.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './lib/paths.mjs';
import { startModelkv } from './lib/servers.mjs';
import { formatTable } from './lib/table.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CASES_DIR = join(REPO_ROOT, 'bench', 'models');
const CLIENT_ENTRY = join(REPO_ROOT, 'packages', 'client', 'dist', 'src', 'index.js');
const AIM = { overheadUs: 100, throughputRatio: 0.95 };

/** @typedef {{ repoRoot: string, modelsDir(backend: string): string }} BenchContext */

async function loadCaseFiles() {
  const files = readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const loaded = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(CASES_DIR, file)).href);
    const { backend } = mod;
    if (!backend || typeof mod.default !== 'function')
      throw new Error(`bench/models/${file} does not export { backend } and a default cases(ctx)`);
    if (!existsSync(join(REPO_ROOT, backend.path, 'dist'))) {
      console.log(`skipping bench/models/${file}: ${backend.path} is not built`);
      continue;
    }
    loaded.push({ file, backend, cases: mod.default });
  }
  return loaded;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Times `iterations` sequential calls of each side, in alternating rounds so that drifts in the
 * machine's load hit both alike; returns p50 and p99 in microseconds per side.
 */
async function latency(sides, iterations, rounds = 4) {
  const samples = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [s, call] of sides.entries()) {
      for (let i = 0; i < Math.ceil(iterations / rounds); i++) {
        const t0 = process.hrtime.bigint();
        await call();
        samples[s].push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }
  }
  return samples.map((list) => {
    const sorted = Float64Array.from(list).sort();
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
}

/**
 * For each side, `callers` concurrent loops share `iterations` calls, measured in alternating
 * rounds like the latency pass; returns calls per second per side.
 */
async function throughput(sides, iterations, rounds = 4) {
  const calls = sides.map(() => 0);
  const seconds = sides.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (const [s, callers] of sides.entries()) {
      let left = Math.ceil(iterations / rounds);
      calls[s] += left;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        callers.map(async (call) => {
          while (left > 0) {
            left--;
            await call();
          }
        }),
      );
      seconds[s] += Number(process.hrtime.bigint() - t0) / 1e9;
    }
  }
  return calls.map((n, s) => n / seconds[s]);
}

const us = (x) => x.toFixed(1);
const rate = (x) => Math.round(x).toLocaleString('en-US');

const SIDES = [
  { isolation: 'none', label: 'server, isolation none' },
  { isolation: 'process', label: 'server, process isolation' },
];

async function measure(c, servers) {
  const iterations = Math.max(10, Math.round(c.iterations * SCALE));
  const tpIterations = Math.max(c.clients, Math.round(c.throughputIterations * SCALE));
  const warmup = Math.max(3, Math.round(iterations / 10));
  const viaServer = servers.map((s) => () => c.runServer(s.clients[0]));
  for (let i = 0; i < warmup; i++) {
    await c.runInProcess();
    for (const run of viaServer) await run();
  }
  const ping = () => servers[0].clients[0].redis.sendCommand(['PING']);
  const [inProc, ...rest] = await latency([() => c.runInProcess(), ...viaServer, ping], iterations);
  const roundTrip = rest.pop();
  const [inProcRate, ...serverRates] = await throughput(
    [
      Array.from({ length: c.clients }, () => () => c.runInProcess()),
      ...servers.map((s) => s.clients.slice(0, c.clients).map((cl) => () => c.runServer(cl))),
    ],
    tpIterations,
  );
  return { inProc, viaServer: rest, roundTrip, inProcRate, serverRates };
}

async function main() {
  try {
    execFileSync('bash', [join(REPO_ROOT, 'e2e', 'fixtures', 'make-models.sh')], { stdio: 'pipe' });
  } catch (err) {
    console.error(`e2e/fixtures/make-models.sh failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    throw err;
  }
  const caseFiles = await loadCaseFiles();
  if (caseFiles.length === 0) throw new Error('no built backend has benchmark cases');
  /** @type {BenchContext} */
  const ctx = { repoRoot: REPO_ROOT, modelsDir: (b) => join(REPO_ROOT, 'e2e', 'models', b) };
  const { createModelkvClient } = await import(pathToFileURL(CLIENT_ENTRY).href);
  const servers = [];
  for (const side of SIDES) {
    const server = await startModelkv(['--backend-isolation', side.isolation]);
    const connect = () => createModelkvClient({ socket: { host: '127.0.0.1', port: server.port } }).connect();
    servers.push({ ...side, server, connect, clients: [await connect()] });
  }
  const rows = [];
  const summary = [];
  try {
    // Each built backend is loaded into both servers; one that fails to load is reported and skipped.
    const loaded = [];
    for (const f of caseFiles) {
      try {
        for (const s of servers) await s.clients[0].loadBackend(f.backend.name, f.backend.path);
        loaded.push(f);
      } catch (err) {
        console.log(`skipping bench/models/${f.file}: ${err instanceof Error ? err.message : err}`);
      }
    }
    if (loaded.length === 0) throw new Error('no backend could be loaded');
    const cases = [];
    for (const f of loaded) cases.push(...(await f.cases(ctx)));
    const maxClients = Math.max(...cases.map((c) => c.clients));
    for (const s of servers) while (s.clients.length < maxClients) s.clients.push(await s.connect());
    console.log(
      `modelkv-server :${servers[0].server.port} (isolation none) and :${servers[1].server.port} (process isolation) with ` +
        `${loaded.map((f) => f.backend.name).join(', ')}; scale ${SCALE}\n`,
    );
    for (const c of cases) {
      for (const s of servers) await c.setupServer(s.clients[0]);
      const m = await measure(c, servers);
      await c.dispose?.();
      rows.push([c.name, 'in-process', us(m.inProc.p50), us(m.inProc.p99), rate(m.inProcRate), String(c.clients)]);
      servers.forEach((s, i) => {
        rows.push([c.name, s.label, us(m.viaServer[i].p50), us(m.viaServer[i].p99), rate(m.serverRates[i]), String(c.clients)]);
      });
      const [none, proc] = m.viaServer;
      summary.push([
        c.name,
        us(none.p50 - m.inProc.p50),
        us(proc.p50 - none.p50),
        us(proc.p99 - none.p99),
        us(m.roundTrip.p50),
        (none.p50 / m.inProc.p50).toFixed(2),
        (proc.p50 / none.p50).toFixed(2),
        (m.serverRates[0] / m.inProcRate).toFixed(2),
        (m.serverRates[1] / m.serverRates[0]).toFixed(2),
      ]);
      console.log(
        `${c.name}: p50 ${us(m.inProc.p50)} → ${us(none.p50)} (none) → ${us(proc.p50)} µs (process); ` +
          `runs/s ${rate(m.inProcRate)} → ${rate(m.serverRates[0])} → ${rate(m.serverRates[1])}`,
      );
    }
  } finally {
    for (const s of servers) {
      await Promise.all(s.clients.map((cl) => cl.close()));
      await s.server.stop();
    }
  }
  console.log(`\n${formatTable(['model', 'path', 'p50 µs', 'p99 µs', 'runs/s', 'callers'], rows)}`);
  console.log(
    `\n${formatTable(
      [
        'model',
        'server p50 overhead µs',
        'isolation p50 cost µs',
        'isolation p99 cost µs',
        'PING p50 µs',
        'p50 server/in-process',
        'p50 process/none',
        'runs/s server/in-process',
        'runs/s process/none',
      ],
      summary,
    )}`,
  );
  console.log(
    `\nserver p50 overhead = p50 with isolation none - in-process p50: one RESP round trip (PING p50 beside it) plus the hand-off to the backend's threads.` +
      `\nisolation cost = p50 (p99) with process isolation - p50 (p99) with isolation none: the request and the outputs crossing to the backend process and back.` +
      `\naims: p50 overhead ≤ ${AIM.overheadUs} µs on the tiny model; throughput ratio ≥ ${AIM.throughputRatio} on ResNet-18`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
