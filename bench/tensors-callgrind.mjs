#!/usr/bin/env node
// `pnpm bench:tensors:callgrind`: what one 1 KiB AI.TENSORSET / AI.TENSORGET BLOB costs modelkv
// in instructions, next to what SET / GET of the same bytes cost redis-server, counted by
// valgrind's callgrind (repeatable where ops/s on a shared machine are not). PING is measured on
// both as the floor of a command (parsing, event loop, socket). Servers: this build's
// modelkv-server, redis-server, and with BASELINE_BIN=<other bin.js> another modelkv build (for a
// before/after comparison). CALLGRIND_KEEP=<dir> keeps the dumps there, to read with
// callgrind_annotate. BENCH_SCALE scales the requests per window (default 20,000).
// Slow: node starts in about a minute under valgrind.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PIPELINE, measureUnderCallgrind, modelkvArgv, redisArgv } from './lib/callgrind.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { formatTable } from './lib/table.mjs';

const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(20_000 * SCALE);
// Long enough that the optimizing compiler is done before the counted window (it runs on the
// main thread with --single-threaded, and would otherwise be counted as the commands' cost).
const WARMUP = Math.round(20_000 * SCALE);
const KEY = 'bench:tensor';
const BYTES = 1024;

const ROWS = [
  { label: 'PING', modelkv: ['PING'], redis: ['PING'], payload: false },
  {
    label: 'set 1 KiB (AI.TENSORSET BLOB | SET)',
    modelkv: ['AI.TENSORSET', KEY, 'UINT8', String(BYTES), 'BLOB'],
    redis: ['SET', KEY],
    payload: true,
  },
  { label: 'get 1 KiB (AI.TENSORGET BLOB | GET)', modelkv: ['AI.TENSORGET', KEY, 'BLOB'], redis: ['GET', KEY], payload: false },
];

const SERVERS = [
  { name: 'modelkv', side: 'modelkv', argv: (port) => modelkvArgv(SERVER_BIN, port) },
  ...(process.env.BASELINE_BIN ? [{ name: 'baseline', side: 'modelkv', argv: (port) => modelkvArgv(process.env.BASELINE_BIN, port) }] : []),
  { name: 'redis', side: 'redis', argv: (port) => redisArgv(port) },
];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-callgrind-'));
  const keep = process.env.CALLGRIND_KEEP;
  try {
    console.log(`callgrind, ${N} requests per window, 1 client, pipeline ${PIPELINE}\n`);
    const payloadFile = join(dir, 'payload');
    writeFileSync(payloadFile, Buffer.alloc(BYTES, 'x'));
    const results = [];
    for (const s of SERVERS) {
      const operations = ROWS.map((r) => ({ label: r.label, command: r[s.side], payload: r.payload }));
      results.push(await measureUnderCallgrind({ name: s.name, argv: s.argv, dir, operations, payloadFile, requests: N, warmup: WARMUP }));
    }
    const redis = results.at(-1);
    const rows = ROWS.map((r, i) => [
      r.label,
      ...results.map((res) => Math.round(res[i].perCommand).toLocaleString('en-US')),
      ...results.slice(0, -1).map((res) => (res[i].perCommand / redis[i].perCommand).toFixed(2)),
    ]);
    const header = ['op', ...SERVERS.map((s) => `${s.name} Ir/cmd`), ...SERVERS.slice(0, -1).map((s) => `${s.name} / redis`)];
    console.log(`\n${formatTable(header, rows)}`);
    if (keep) {
      mkdirSync(keep, { recursive: true });
      results.forEach((res, s) =>
        res.forEach((r, i) => {
          const to = join(keep, `${SERVERS[s].name}.${i}.${basename(r.file)}`);
          cpSync(r.file, to);
          console.log(`${SERVERS[s].name}, ${ROWS[i].label}: ${to}`);
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
