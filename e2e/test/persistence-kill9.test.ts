// Crash safety: a writer process sends AI.TENSORSET, AI.MODELSET and AI.MODELRUN over several
// connections while the server is killed with SIGKILL at seeded random moments, round after
// round on the same data directory. After each restart every acknowledged write must be there,
// byte for byte, and every restored model must compute exactly what it stored before the crash.
// A write that was sent but not acknowledged may be missing, but never different.
// With appendfsync everysec the acknowledged writes lost are counted and reported.
// KILL9_SEED and KILL9_ROUNDS replay or lengthen a run.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { dataDir, expectOk, infoFields, killHard, readModel, readTensor } from '../src/data-dir.js';
import { E2E_ROOT, type ServerHandle, startServer } from '../src/harness.js';
import { type LogLine, blobDigest, random, tensorDigest } from '../src/kill9-log.js';
import { RespSocket } from '../src/resp-socket.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';

const SEED = Number(process.env.KILL9_SEED ?? 20251129);
const ROUNDS = Number(process.env.KILL9_ROUNDS ?? 3);

interface Expected {
  readonly line: LogLine;
  acked: boolean;
}

function readLog(file: string): Map<string, Expected> {
  const out = new Map<string, Expected>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const line = JSON.parse(raw) as LogLine;
    const e = out.get(line.key);
    if (line.event === 'intent') out.set(line.key, { line, acked: false });
    else if (e) e.acked = true;
  }
  return out;
}

function startWriter(port: number, seed: number, tag: string, log: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(E2E_ROOT, 'src/kill9-writer.ts'), String(port), String(seed), tag, log], {
    cwd: E2E_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the writer exited (${code}) before writing`));
    });
    createInterface({ input: child.stdout }).once('line', () => {
      child.removeAllListeners('exit');
      resolve(child);
    });
  });
}

interface Outcome {
  acked: number;
  lost: string[];
  unackedPresent: number;
  runsRechecked: number;
}

/**
 * Checks the restarted server against everything the writers logged so far. A run's output is
 * recomputed by its restored model once; later rounds compare with the bytes seen then (`seen`).
 */
async function verify(conn: RespSocket, expected: Map<string, Expected>, seen: Map<string, string>): Promise<Outcome> {
  const outcome: Outcome = { acked: 0, lost: [], unackedPresent: 0, runsRechecked: 0 };
  for (const [key, { line, acked }] of expected) {
    if (acked) outcome.acked++;
    if (line.kind === 'model') {
      const m = await readModel(conn, key);
      if (!m) {
        if (acked) outcome.lost.push(key);
        continue;
      }
      if (!acked) outcome.unackedPresent++;
      assert.equal(m.backend, 'ONNX', key);
      assert.equal(blobDigest(m.blob), line.digest, `${key}: the model blob differs`);
      continue;
    }
    const t = await readTensor(conn, key);
    if (!t) {
      if (acked) outcome.lost.push(key);
      continue;
    }
    if (!acked) outcome.unackedPresent++;
    const digest = tensorDigest(t.dtype, t.shape, t.blob);
    if (line.kind === 'tensor') {
      assert.equal(digest, line.digest, `${key}: the tensor differs`);
      continue;
    }
    const before = seen.get(key);
    if (before !== undefined) {
      assert.equal(digest, before, `${key}: a run output changed across restarts`);
      continue;
    }
    // A run's output: the restored model, run again on the restored input, computes the same bytes.
    const again = `${key}:again`;
    expectOk(await conn.call('AI.MODELRUN', line.model!, 'INPUTS', line.input!, 'OUTPUTS', again), `rerun ${line.model!}`);
    const rerun = await readTensor(conn, again);
    assert.deepEqual([rerun?.dtype, rerun?.shape], [t.dtype, t.shape], key);
    assert.ok(rerun?.blob.equals(t.blob), `${key}: the restored model computes other bytes than before the crash`);
    await conn.call('DEL', again);
    seen.set(key, digest);
    outcome.runsRechecked++;
  }
  return outcome;
}

async function crashRounds(fsync: 'always' | 'everysec', report: (msg: string) => void): Promise<Outcome[]> {
  const data = dataDir();
  const args = [...ONNX_BACKEND_ARGS, '--dir', data.dir, '--appendonly', 'yes', '--appendfsync', fsync];
  const rand = random(SEED + (fsync === 'always' ? 0 : 1));
  const log = join(data.dir, 'writes.log');
  const outcomes: Outcome[] = [];
  const seen = new Map<string, string>();
  let server: ServerHandle = await startServer({ args });
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const writer = await startWriter(server.port, Math.floor(rand() * 1e9), `r${round}`, log);
      const delay = 300 + Math.floor(rand() * 1200);
      await new Promise((r) => setTimeout(r, delay));
      await killHard(server);
      await new Promise((r) => writer.once('exit', r));
      const t0 = Date.now();
      server = await startServer({ args });
      const restartMs = Date.now() - t0;
      const conn = await RespSocket.open(server.port, server.host);
      const info = await infoFields(conn, 'persistence');
      assert.equal(info.get('aof_enabled'), '1');
      assert.equal(info.get('loading'), '0');
      const t1 = Date.now();
      const outcome = await verify(conn, readLog(log), seen);
      const verifyMs = Date.now() - t1;
      await conn.close();
      outcomes.push(outcome);
      report(
        `appendfsync ${fsync}, round ${round} (killed after ${delay} ms): ${outcome.acked} writes acknowledged so far, ${outcome.lost.length} of them lost, ` +
          `${outcome.unackedPresent} unacknowledged ones present, ${outcome.runsRechecked} run outputs recomputed identically ` +
          `(restart ${restartMs} ms, checks ${verifyMs} ms)`,
      );
      assert.ok(outcome.acked > 0, 'the writer got writes acknowledged before the kill');
    }
    await server.stop();
  } catch (err) {
    if (server.pid) process.kill(server.pid, 'SIGKILL');
    throw err;
  } finally {
    data.remove();
  }
  return outcomes;
}

describe(`kill -9 while writing (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  test('appendfsync always: every acknowledged write survives, byte-exact, and models compute the same', async (t) => {
    const outcomes = await crashRounds('always', (m) => {
      t.diagnostic(m);
    });
    for (const o of outcomes) assert.deepEqual(o.lost, [], 'acknowledged writes were lost');
  });

  test('appendfsync everysec: what a kill loses is measured; nothing comes back different', async (t) => {
    const outcomes = await crashRounds('everysec', (m) => {
      t.diagnostic(m);
    });
    // Each round checks every write so far: the last one has them all.
    const lost = new Set(outcomes.flatMap((o) => o.lost));
    const acked = outcomes.at(-1)?.acked ?? 0;
    t.diagnostic(`appendfsync everysec: ${lost.size} of ${acked} acknowledged writes lost over ${outcomes.length} kills`);
    // A process kill leaves what was written to the kernel: everysec replies wait for the write.
    assert.equal(lost.size, 0);
  });
});
