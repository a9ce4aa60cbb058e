import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The modelkv server bin, built by @modelkv/resp-server (this file runs from dist/test/). */
export const SERVER_BIN = fileURLToPath(new URL('../../../resp-server/dist/src/bin.js', import.meta.url));

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

const READY_RE = /Ready to accept connections tcp (\S+):(\d+)/;

/** Starts the built modelkv server on a free port and waits for its Ready line. */
export async function startServer(args: readonly string[] = []): Promise<RunningServer> {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: build @modelkv/resp-server first`);
  const child = spawn(process.execPath, [SERVER_BIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error('the server printed no Ready line in 30 s'));
    }, 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${stderr}`));
    };
    child.once('exit', (code, signal) => {
      fail(new Error(`the server exited (${code ?? signal}) before it was ready`));
    });
    child.once('error', fail);
    lines.on('line', (line) => {
      const m = READY_RE.exec(line);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) });
    });
  });
  lines.on('line', () => {
    // Keep draining stdout so the server never blocks on a full pipe.
  });
  return { ...address, stop: () => stopChild(child) };
}

export interface RunningRedis {
  readonly path: string;
  stop(): Promise<void>;
}

/** Starts a plain redis-server on a unix socket in a temporary directory. */
export async function startRedis(): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-client-redis-'));
  const path = join(dir, 'redis.sock');
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', path, '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.resume();
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (existsSync(path)) {
        resolve();
        return;
      }
      if (child.exitCode !== null) {
        reject(new Error(`redis-server exited with ${child.exitCode}`));
        return;
      }
      if (Date.now() - started > 10_000) {
        reject(new Error('redis-server did not open its socket'));
        return;
      }
      setTimeout(poll, 20);
    };
    child.once('error', reject);
    poll();
  });
  return {
    path,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
