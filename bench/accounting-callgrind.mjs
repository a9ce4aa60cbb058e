#!/usr/bin/env node
// `pnpm bench:accounting:callgrind`: the per-command accounting's cost in instructions, which
// a shared, noisy machine cannot blur as it blurs ops/s. Each server runs under valgrind's
// callgrind (node --single-threaded, so that no compiler thread's work lands in the window);
// for each command, after a warm-up, the counters are zeroed, N pipelined requests are sent
// (redis-benchmark, 1 client, pipeline 16) and the counters dumped: instructions / N is what
// one command costs the server, event loop and socket work included. Servers compared:
//   --latency-tracking yes and no (this build), and with BASELINE_BIN=<other bin.js> that build.
// It prints instructions per command and the difference to the first server.
// Slow: node starts in about a minute under valgrind, each window runs at a few thousand
// requests per second. BENCH_SCALE scales N.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPELINE, measureUnderCallgrind, modelkvArgv } from './lib/callgrind.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { formatTable } from './lib/table.mjs';

const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(20_000 * SCALE);
const WARMUP = Math.round(5_000 * SCALE);
const KEY = 'bench:tensor';

const SERVERS = [
  { name: 'tracking on', bin: SERVER_BIN, args: ['--latency-tracking', 'yes'] },
  { name: 'tracking off', bin: SERVER_BIN, args: ['--latency-tracking', 'no'] },
  ...(process.env.BASELINE_BIN ? [{ name: 'baseline', bin: process.env.BASELINE_BIN, args: [] }] : []),
];

const OPERATIONS = [
  { label: 'PING', command: ['PING'], payload: false },
  { label: 'AI.TENSORSET 1 KiB BLOB', command: ['AI.TENSORSET', KEY, 'UINT8', '1024', 'BLOB'], payload: true },
  { label: 'AI.TENSORGET 1 KiB BLOB', command: ['AI.TENSORGET', KEY, 'BLOB'], payload: false },
];

async function measure(server, dir, payloadFile) {
  const results = await measureUnderCallgrind({
    name: server.name,
    argv: (port) => modelkvArgv(server.bin, port, server.args),
    dir,
    operations: OPERATIONS,
    payloadFile,
    requests: N,
    warmup: WARMUP,
  });
  return results.map((r) => r.perCommand);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-callgrind-'));
  try {
    console.log(`callgrind, ${N} requests per window, 1 client, pipeline ${PIPELINE}, node --single-threaded\n`);
    const results = [];
    const payloadFile = join(dir, 'payload');
    writeFileSync(payloadFile, Buffer.alloc(1024, 'x'));
    for (const server of SERVERS) results.push(await measure(server, dir, payloadFile));
    const rows = OPERATIONS.map((op, i) => {
      const first = results[0][i];
      return [op.label, ...results.map((r) => String(Math.round(r[i]))), ...results.slice(1).map((r) => String(Math.round(first - r[i])))];
    });
    const header = ['op', ...SERVERS.map((s) => `${s.name} Ir/cmd`), ...SERVERS.slice(1).map((s) => `${SERVERS[0].name} − ${s.name}`)];
    console.log(`\n${formatTable(header, rows)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
