#!/usr/bin/env node
// `pnpm bench:accounting`: what the per-command accounting (INFO commandstats, latencystats)
// costs. Two modelkv servers run side by side, the same redis-benchmark runs go to both
// (PING and the tensor benchmark's 1 KiB AI.TENSORSET / AI.TENSORGET BLOB, 50 clients,
// pipeline 1 and 16), and it prints ops/s and the ratio of the first to the second:
//   default                      --latency-tracking yes  vs  --latency-tracking no
//   BASELINE_BIN=<other bin.js>  this build              vs  that build (e.g. one without accounting)
// Each row is the median of ROUNDS alternating runs after a warm-up. BENCH_SCALE scales the counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisBenchmark } from './lib/redis-benchmark.mjs';
import { startModelkv } from './lib/servers.mjs';
import { formatRate, formatTable } from './lib/table.mjs';

const CLIENTS = 50;
const PIPELINES = [1, 16];
const ROUNDS = 5;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const REQUESTS = { 1: 40_000, 16: 200_000 };
const PAYLOAD_BYTES = 1024;
const KEY = 'bench:tensor';
const BASELINE_BIN = process.env.BASELINE_BIN;

const OPERATIONS = [
  { label: 'PING', command: ['PING'], payload: false },
  { label: 'AI.TENSORSET 1 KiB BLOB', command: ['AI.TENSORSET', KEY, 'UINT8', String(PAYLOAD_BYTES), 'BLOB'], payload: true },
  { label: 'AI.TENSORGET 1 KiB BLOB', command: ['AI.TENSORGET', KEY, 'BLOB'], payload: false },
];

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-bench-'));
  const file = join(dir, 'payload');
  writeFileSync(file, Buffer.alloc(PAYLOAD_BYTES, 'x'));
  const [aName, bName] = BASELINE_BIN ? ['this build', 'baseline'] : ['tracking on', 'tracking off'];
  const a = await startModelkv(BASELINE_BIN ? [] : ['--latency-tracking', 'yes']);
  const b = await startModelkv(BASELINE_BIN ? [] : ['--latency-tracking', 'no'], BASELINE_BIN).catch(async (err) => {
    await a.stop();
    throw err;
  });
  const rows = [];
  try {
    console.log(`${aName} on :${a.port}, ${bName} on :${b.port}; redis-benchmark, ${CLIENTS} clients, median of ${ROUNDS} runs\n`);
    for (const pipeline of PIPELINES) {
      const requests = Math.max(CLIENTS * pipeline, Math.round(REQUESTS[pipeline] * SCALE));
      for (const op of OPERATIONS) {
        const common = { clients: CLIENTS, pipeline, command: op.command, lastArgFile: op.payload ? file : undefined };
        const warmup = Math.max(CLIENTS * pipeline, Math.round(requests / 5));
        await redisBenchmark({ ...common, port: a.port, requests: warmup });
        await redisBenchmark({ ...common, port: b.port, requests: warmup });
        const aRuns = [];
        const bRuns = [];
        for (let round = 0; round < ROUNDS; round++) {
          aRuns.push(await redisBenchmark({ ...common, port: a.port, requests }));
          bRuns.push(await redisBenchmark({ ...common, port: b.port, requests }));
        }
        const ra = median(aRuns);
        const rb = median(bRuns);
        const row = [op.label, String(pipeline), formatRate(ra), formatRate(rb), (ra / rb).toFixed(3)];
        rows.push(row);
        process.stderr.write(`  ${op.label} pipeline ${pipeline}: ratio ${row[4]}\n`);
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${formatTable(['op', 'pipeline', `${aName} ops/s`, `${bName} ops/s`, 'ratio'], rows)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
