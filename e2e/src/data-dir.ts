// What the persistence tests share: a data directory per test, a hard kill, INFO fields, and the
// tensors, models and scripts read back over a socket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from './harness.js';
import { type RespReply, RespSocket, plain } from './resp-socket.js';

export interface DataDir {
  readonly dir: string;
  remove(): void;
}

export function dataDir(): DataDir {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-e2e-data-'));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
export async function killHard(server: ServerHandle): Promise<void> {
  process.kill(server.pid, 'SIGKILL');
  const status = await server.exited;
  assert.equal(status.signal, 'SIGKILL');
}

/** SIGKILL if it still runs: the clean-up after a test that may have stopped half-way. */
export function killIfRunning(server: ServerHandle | undefined): void {
  if (!server) return;
  try {
    process.kill(server.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** INFO <section> as name → value. */
export async function infoFields(conn: RespSocket, section: string): Promise<Map<string, string>> {
  const text = String(plain(await conn.call('INFO', section)));
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** Polls `check` every 20 ms until it holds; fails with `what` after `limitMs` (not a measurement: a hang guard). */
export async function waitUntil(check: () => Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function expectOk(reply: RespReply, what: string): void {
  assert.deepEqual(
    plain(reply),
    'OK',
    `${what}: ${JSON.stringify(plain(reply), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
}

export interface StoredTensor {
  readonly dtype: string;
  readonly shape: number[];
  readonly blob: Buffer;
}

/** The bytes of a bulk string reply (an element of an array reply). */
export function bulkBytes(reply: RespReply | undefined): Buffer {
  assert.ok(
    reply?.type === 'bulk' && reply.value !== null,
    `expected a bulk string, got ${reply ? JSON.stringify(plain(reply), bigintText) : 'nothing'}`,
  );
  return reply.value;
}

function elements(reply: RespReply, what: string): RespReply[] {
  assert.ok(reply.type === 'array' && reply.value !== null, `${what}: expected an array, got ${JSON.stringify(plain(reply), bigintText)}`);
  return reply.value;
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? String(value) : value;
}

/** AI.TENSORGET key BLOB, or undefined when the key does not exist. */
export async function readTensor(conn: RespSocket, key: string | Buffer): Promise<StoredTensor | undefined> {
  if (plain(await conn.call('EXISTS', key)) === 0n) return undefined;
  const [dtype, shape, blob] = elements(await conn.call('AI.TENSORGET', key, 'BLOB'), `AI.TENSORGET ${String(key)}`);
  return { dtype: String(plain(dtype!)), shape: (plain(shape!) as bigint[]).map(Number), blob: bulkBytes(blob) };
}

/** AI.MODELGET key: backend, device and blob, or undefined when the key does not exist. */
export async function readModel(
  conn: RespSocket,
  key: string | Buffer,
): Promise<{ backend: string; device: string; blob: Buffer } | undefined> {
  if (plain(await conn.call('EXISTS', key)) === 0n) return undefined;
  const [backend, device, blob] = elements(await conn.call('AI.MODELGET', key), `AI.MODELGET ${String(key)}`);
  return { backend: String(plain(backend!)), device: String(plain(device!)), blob: bulkBytes(blob) };
}

/** AI.SCRIPTGET key: device and source. */
export async function readScript(conn: RespSocket, key: string): Promise<{ device: string; source: string }> {
  const [device, source] = elements(await conn.call('AI.SCRIPTGET', key), `AI.SCRIPTGET ${key}`);
  return { device: String(plain(device!)), source: bulkBytes(source).toString('utf8') };
}
