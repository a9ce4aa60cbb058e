// A server run under valgrind's callgrind, counting the instructions that pipelined
// redis-benchmark requests cost it: after a warm-up (of every operation, then of the one
// measured), the counters are zeroed, N requests are
// sent (1 client, pipeline 16) and the counters dumped; instructions / N is what one command
// costs the server, event loop and socket work included. Node runs --single-threaded, so that
// no compiler thread's work lands in the window.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { redisBenchmark } from './redis-benchmark.mjs';
import { freePort } from './servers.mjs';

const run = promisify(execFile);
const START_LIMIT_MS = 10 * 60_000;
export const PIPELINE = 16;

/** The command line of a modelkv-server `bin` under node --single-threaded, listening on `port`. */
export function modelkvArgv(bin, port, args = []) {
  return [process.execPath, '--single-threaded', bin, '--port', String(port), ...args];
}

/** The command line of a redis-server without persistence listening on `port`. */
export function redisArgv(port) {
  return ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}

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

/**
 * The newest callgrind dump in `dir` for `pid` and its instruction total; with `mainThread`
 * (dumps separated per thread), the main thread's.
 */
function lastDump(dir, pid, seen, mainThread) {
  const dumps = readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}.`) && !seen.has(f) && (!mainThread || f.endsWith('-01')));
  if (dumps.length !== 1) throw new Error(`expected one new callgrind dump, found ${dumps.join(', ') || 'none'}`);
  seen.add(dumps[0]);
  const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, dumps[0]), 'utf8'));
  if (!m) throw new Error(`no totals in ${dumps[0]}`);
  return { file: join(dir, dumps[0]), total: Number(m[1]) };
}

/**
 * Starts `argv(port)` under callgrind (dumps in `dir`) and measures each of `operations`
 * ({ label, command, payload }: with `payload`, `payloadFile` is sent as the last argument).
 * `setup(port)`, when given, runs once the server answers (to store what the commands use);
 * `pipeline` is redis-benchmark's (default PIPELINE); `mainThread` counts only the server's main
 * (JavaScript) thread, not the threads a backend in its process runs on.
 * Returns per operation { instructions per command, dump file }.
 */
export async function measureUnderCallgrind({
  name,
  argv,
  dir,
  operations,
  payloadFile,
  requests,
  warmup,
  setup,
  pipeline = PIPELINE,
  mainThread = false,
}) {
  const port = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      '--smc-check=all-non-file',
      ...(mainThread ? ['--separate-threads=yes'] : []),
      ...argv(port),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
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
  const results = [];
  const common = (op) => ({ port, clients: 1, pipeline, command: op.command, lastArgFile: op.payload ? payloadFile : undefined });
  try {
    await setup?.(port);
    // Every operation is warmed up before any is counted, so that the code they share is
    // optimized before the first window, then each once more just before its own window.
    for (const op of operations) await redisBenchmark({ ...common(op), requests: warmup });
    for (const op of operations) {
      await redisBenchmark({ ...common(op), requests: warmup });
      await run('callgrind_control', ['--zero', String(child.pid)]);
      await redisBenchmark({ ...common(op), requests });
      await run('callgrind_control', ['--dump', String(child.pid)]);
      const dump = lastDump(dir, child.pid, seen, mainThread);
      results.push({ perCommand: dump.total / requests, file: dump.file });
      process.stderr.write(`  ${name}, ${op.label}: ${Math.round(dump.total / requests)} instructions per command\n`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return results;
}

/**
 * Runs a callgrind bench's `body(dir)` with a fresh directory for the dumps, removed afterwards;
 * a failure is printed and ends the process with code 1.
 */
export function callgrindMain(body) {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-callgrind-'));
  Promise.resolve()
    .then(() => body(dir))
    .finally(() => rmSync(dir, { recursive: true, force: true }))
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
