import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine, type EngineOptions } from '../src/engine.js';
import { HostedBackend } from '../src/host/hosted-backend.js';
import type { LogFields, Logger } from '../src/logger.js';
import { RunDropped } from '../src/run-queue.js';
import { Tensor } from '../src/tensor.js';

const BACKEND = fileURLToPath(new URL('../../test/fixtures/crashy-backend.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'modelkv-hosted-'));
const engines: Engine[] = [];

after(async () => {
  await Promise.all(engines.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

class Lines implements Logger {
  readonly lines: string[] = [];
  private add = (level: string, m: string, f?: LogFields): void => {
    this.lines.push(`${level} ${m}${f ? ` ${JSON.stringify(f)}` : ''}`);
  };
  debug = (m: string, f?: LogFields): void => {
    this.add('debug', m, f);
  };
  verbose = (m: string, f?: LogFields): void => {
    this.add('verbose', m, f);
  };
  notice = (m: string, f?: LogFields): void => {
    this.add('notice', m, f);
  };
  warning = (m: string, f?: LogFields): void => {
    this.add('warning', m, f);
  };
}

async function engine(options: EngineOptions = {}): Promise<{ engine: Engine; host: HostedBackend; log: Lines }> {
  const log = new Lines();
  const e = new Engine({ modelExecutionTimeoutMs: 0, ...options, logger: log });
  engines.push(e);
  const loaded = await e.loadBackend('TF', BACKEND);
  assert.ok(loaded.backend instanceof HostedBackend);
  return { engine: e, host: loaded.backend, log };
}

/** Sets a one-element-ish input whose bytes tell the test backend what to do. */
function input(e: Engine, key: string, ...bytes: number[]): void {
  e.tensorSet(key, Tensor.fromBlob('UINT8', [bytes.length], Buffer.from(bytes)));
}

async function set(e: Engine, key: string, blob: string): Promise<void> {
  await e.modelSet(key, { backend: 'TF', device: 'CPU', inputs: ['x'], outputs: ['y'], blob: Buffer.from(blob) });
}

function floats(e: Engine, key: string): number[] {
  return e.tensorGet(key).values() as number[];
}

test('a backend in its own process loads models and runs them; its errors come back as they are', async () => {
  const { engine: e, host } = await engine();
  assert.equal(host.version, 'crashy-1');
  assert.deepEqual(host.devices(), ['CPU']);
  assert.notEqual(host.pid, process.pid);
  await set(e, 'm', 'echo');
  input(e, 'x', 0, 9, 8);
  await e.modelRun('m', ['x'], ['y']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 9, 8]);
  await assert.rejects(set(e, 'bad', 'throw'), /^ReplyError: not a model$/);
  assert.equal(e.exists('bad'), false);
  input(e, 'fail', 4);
  await assert.rejects(e.modelRun('m', ['fail'], ['y']), /this run fails/);
  const info = e.info('m');
  assert.deepEqual([info.calls, info.errors, info.samples], [2, 1, 3]);
});

test('a load that crashes the process is answered with ERR, not stored; the process restarts with its models', async () => {
  const { engine: e, host, log } = await engine();
  await set(e, 'm', 'echo');
  const pid = host.pid;
  await assert.rejects(
    set(e, 'bad', 'crash'),
    /^ReplyError: TF backend process died \(SIGSEGV\) while loading the model; it has been restarted$/,
  );
  assert.equal(e.exists('bad'), false);
  assert.equal(host.restarts, 1);
  assert.notEqual(host.pid, pid);
  input(e, 'x', 0, 1);
  await e.modelRun('m', ['x'], ['y']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 1]);
  await assert.rejects(set(e, 'bad', 'exit'), /TF backend process exited \(code 3\) while loading the model/);
  assert.ok(log.lines.some((l) => l.startsWith('warning TF backend process') && l.includes('died (SIGSEGV) while loading the model')));
  assert.ok(log.lines.some((l) => l.startsWith('notice TF backend process restarted')));
});

test('a crash mid-run answers the run with ERR; the model runs again without being stored again', async () => {
  const { engine: e } = await engine();
  await set(e, 'm', 'echo');
  input(e, 'boom', 1);
  await assert.rejects(
    e.modelRun('m', ['boom'], ['y']),
    /^ReplyError: TF backend process died \(SIGSEGV\) while running the model; it has been restarted$/,
  );
  input(e, 'x', 0, 5);
  await e.modelRun('m', ['x'], ['y']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 5]);
  assert.equal(e.info('m').errors, 1);
});

test('a run past its time limit is answered at the deadline; the process is killed and restarted, the next run goes on', async () => {
  const { engine: e, host, log } = await engine({ modelExecutionTimeoutMs: 300 });
  await set(e, 'm', 'echo');
  input(e, 'limit', 6);
  await e.modelRun('m', ['limit'], ['y']);
  assert.deepEqual(floats(e, 'y'), [300], 'the backend is told its time limit');
  input(e, 'hang', 2);
  input(e, 'x', 0, 3);
  const stuck = e.modelRun('m', ['hang'], ['never']);
  const next = e.modelRun('m', ['x'], ['after']);
  await assert.rejects(stuck, /^ReplyError: model execution timed out after 300 ms$/);
  await next;
  assert.deepEqual(e.tensorGet('after').values(), [0, 3]);
  assert.equal(e.exists('never'), false);
  assert.equal(host.restarts, 1);
  assert.equal(e.runCounters.timedOut, 1);
  assert.ok(log.lines.some((l) => l.includes("model 'm' did not stop after its time limit")));
});

test('a run started beside one that overran its time limit is run again after the restart', async () => {
  const { engine: e, host } = await engine({ modelExecutionTimeoutMs: 1000, threadsPerQueue: 2 });
  await set(e, 'm', 'echo');
  input(e, 'hang', 2);
  input(e, 'slow', 3, 80);
  input(e, 'count', 5);
  const stuck = e.modelRun('m', ['hang'], ['never']);
  const outcome = assert.rejects(stuck, /timed out after 1000 ms/);
  // An 800 ms run started at the stuck run's deadline, 500 ms before the process is killed for
  // it: still running then, it runs again in the new process, where it has its full time.
  await new Promise((r) => setTimeout(r, 1000));
  await e.modelRun('m', ['slow'], ['slow-out']);
  await outcome;
  assert.deepEqual(e.tensorGet('slow-out').values(), [3, 80]);
  assert.equal(host.restarts, 1);
  await e.modelRun('m', ['count'], ['runs']);
  assert.deepEqual(floats(e, 'runs'), [2], 'the slow run started again in the new process');
});

test("a run whose client has gone before it started is dropped, in the server's queue or the process's", async () => {
  const { engine: e } = await engine({ threadsPerQueue: 1 });
  await set(e, 'm', 'echo');
  input(e, 'slow', 3, 10);
  input(e, 'count', 5);
  const gone = [new AbortController(), new AbortController()];
  const first = e.modelRun('m', ['slow'], ['a']);
  // With one slot, the second run is handed to the process ahead and the third waits here.
  const handed = e.modelRun('m', ['slow'], ['b'], { signal: gone[0]!.signal });
  const waiting = e.modelRun('m', ['slow'], ['c'], { signal: gone[1]!.signal });
  const outcomes = Promise.allSettled([handed, waiting]);
  for (const g of gone) g.abort();
  for (const o of await outcomes) assert.ok(o.status === 'rejected' && o.reason instanceof RunDropped, o.status);
  await first;
  assert.equal(e.exists('b') || e.exists('c'), false);
  assert.equal(e.runCounters.dropped, 2);
  await e.modelRun('m', ['count'], ['runs']);
  assert.deepEqual(floats(e, 'runs'), [2], 'only the first run and this one were executed');
  assert.equal(e.info('m').calls, 2);
});

test('a model that crashes the restarted process when loaded again is marked broken; the others run', async () => {
  const { engine: e, host } = await engine();
  await set(e, 'fragile', `once:${join(dir, 'marker')}`);
  await set(e, 'm', 'echo');
  process.kill(host.pid!, 'SIGKILL');
  // The kill, then the reload that crashes: two restarts before runs go on.
  while (host.restarts < 2 || host.status !== 'ready') await new Promise((r) => setTimeout(r, 20));
  input(e, 'x', 0, 2);
  await e.modelRun('m', ['x'], ['y']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 2]);
  await assert.rejects(e.modelRun('fragile', ['x'], ['y']), /could not be loaded again after the TF backend process restarted/);
  await set(e, 'fragile', 'echo');
  await e.modelRun('fragile', ['x'], ['z']);
});

test('deaths in a row with nothing served between them delay the restarts; a process that served is not in a loop', async () => {
  const { engine: e, host, log } = await engine();
  const delays = (): string[] => log.lines.filter((l) => l.includes('restarts in')).map((l) => /restarts in (\d+) ms/.exec(l)![1]!);
  for (let i = 0; i < 3; i++) await assert.rejects(set(e, `bad${i}`, 'crash'), /died \(SIGSEGV\)/);
  assert.deepEqual(delays(), ['250'], 'the third death in a row waits 250 ms');
  await set(e, 'm', 'echo');
  await assert.rejects(set(e, 'bad', 'crash'), /died \(SIGSEGV\)/);
  assert.deepEqual(delays(), ['250'], 'no delay after a process that loaded a model');
  assert.equal(host.restarts, 4);
});

test('close ends the process', async () => {
  const { engine: e, host } = await engine();
  const pid = host.pid!;
  await e.close();
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});
