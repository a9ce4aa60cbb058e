// Starts the servers a benchmark compares: the built modelkv-server and a redis-server, each on
// a free port, each stopped by the returned handle.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.mjs';

const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');

/** Runs the built modelkv-server (or another build's `bin`) with `--port 0` and waits for its Ready line. */
export function startModelkv(args = [], bin = SERVER_BIN) {
  const child = spawn(process.execPath, [bin, '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`modelkv-server exited with code ${code} before it was ready`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^Ready to accept connections tcp (.+):(\d+)\s*$/.exec(line);
      if (!m) return;
      child.removeAllListeners('exit');
      resolve({ name: 'modelkv', port: Number(m[2]), stop: () => stopChild(child) });
    });
  });
}

/**
 * Runs redis-server on a free port and waits until it accepts connections; without persistence
 * unless `args` (redis-server flags, e.g. `--appendonly yes --dir ...`) say otherwise.
 */
export async function startRedis(args = []) {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (!(await accepts(port))) {
    if (exited) throw new Error('redis-server exited before it was ready');
    await sleep(50);
  }
  return { name: 'redis', port, stop: () => stopChild(child) };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
