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
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { REPO_ROOT } from './lib/paths.mjs';
import { redisBenchmark } from './lib/redis-benchmark.mjs';
import { freePort } from './lib/servers.mjs';
import { formatTable } from './lib/table.mjs';

const run = promisify(execFile);
const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.round(20_000 * SCALE);
const WARMUP = Math.round(5_000 * SCALE);
const PIPELINE = 16;
const START_LIMIT_MS = 10 * 60_000;
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

/** Whether a server on `port` answers PING. */
function answers(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.setEncoding('utf8');
    s.once('data', (d) => {
      s.destroy();
      resolve(d.startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

/** The instruction total of the newest callgrind dump in `dir` for `pid`. */
function lastDumpTotal(dir, pid, before) {
  const dumps = readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}.`) && !before.has(f));
  if (dumps.length !== 1) throw new Error(`expected one new callgrind dump, found ${dumps.join(', ') || 'none'}`);
  before.add(dumps[0]);
  const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, dumps[0]), 'utf8'));
  if (!m) throw new Error(`no totals in ${dumps[0]}`);
  return Number(m[1]);
}

async function measure(server, dir, payloadFile) {
  const port = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      '--smc-check=all-non-file',
      process.execPath,
      '--single-threaded',
      server.bin,
      '--port',
      String(port),
      ...server.args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (log += c));
  const started = Date.now();
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`server under valgrind exited:\n${log}`);
    if (Date.now() - started > START_LIMIT_MS) throw new Error('server under valgrind did not start');
    await sleep(500);
  }
  const seen = new Set();
  const perCommand = [];
  try {
    for (const op of OPERATIONS) {
      const common = { port, clients: 1, pipeline: PIPELINE, command: op.command, lastArgFile: op.payload ? payloadFile : undefined };
      await redisBenchmark({ ...common, requests: WARMUP });
      await run('callgrind_control', ['--zero', String(child.pid)]);
      await redisBenchmark({ ...common, requests: N });
      await run('callgrind_control', ['--dump', String(child.pid)]);
      perCommand.push(lastDumpTotal(dir, child.pid, seen) / N);
      process.stderr.write(`  ${server.name}, ${op.label}: ${Math.round(perCommand.at(-1))} instructions per command\n`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return perCommand;
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
