import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const E2E_ROOT = join(REPO_ROOT, 'e2e');
export const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
/** Debian's python, which has python3-redis, numpy, torch and onnx (the one on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The first listener's line: tcp, or tls for a server that serves TLS only. */
const READY_RE = /^Ready to accept connections (tcp|tls) (.+):(\d+)\s*$/;
// Not a measurement: only keeps a broken build from hanging the suite.
const START_LIMIT_MS = 60_000;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerHandle {
  readonly port: number;
  readonly host: string;
  readonly pid: number;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM, waits for the exit, and fails unless the server exited with code 0. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly args?: string[];
  readonly cwd?: string;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the built modelkv-server on a free port and resolves once it accepts connections. */
export function startServer(options: StartOptions = {}): Promise<ServerHandle> {
  const args = [SERVER_BIN, '--port', '0', ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log += chunk;
  });
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolveExit({ code, signal });
    });
  });

  return new Promise<ServerHandle>((resolveStart, rejectStart) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`server did not print its Ready line within ${START_LIMIT_MS} ms:\n${log}`));
    }, START_LIMIT_MS);

    createInterface({ input: child.stdout }).on('line', (line) => {
      log += `${line}\n`;
      const m = READY_RE.exec(line);
      if (ready || !m) return;
      ready = true;
      clearTimeout(timer);
      const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
      resolveStart({
        port: Number(m[3]),
        host,
        pid: child.pid!,
        exited,
        output: () => log,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const status = await exited;
          if (status.code !== 0) {
            throw new Error(`server exited with ${status.code === null ? `signal ${status.signal}` : `code ${status.code}`}:\n${log}`);
          }
        },
      });
    });

    void exited.then((status) => {
      if (ready) return;
      clearTimeout(timer);
      rejectStart(new Error(`server exited (code ${status.code}, signal ${status.signal}) before it was ready:\n${log}`));
    });
  });
}

export interface ProcessResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

function run(command: string, args: readonly string[], stdin?: Buffer, cwd = E2E_ROOT): Promise<ProcessResult> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', rejectRun);
    child.on('close', (code, signal) => {
      resolveRun({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? (signal ? 128 : 1),
      });
    });
    child.stdin.on('error', () => {
      // The command may exit before reading all of stdin; its exit code tells the story.
    });
    child.stdin.end(stdin);
  });
}

/** Runs `redis-cli -p PORT --no-raw ...args` (Debian's redis-tools), optionally feeding stdin. */
export function redisCli(port: number, args: string[], stdin?: Buffer, host = '127.0.0.1'): Promise<ProcessResult> {
  return run('redis-cli', ['-h', host, '-p', String(port), '--no-raw', ...args], stdin);
}

export type PyScript = { readonly code: string } | { readonly file: string };

/**
 * Runs a redis-py script with Debian's python: `python3 -c CODE PORT ...args` or
 * `python3 FILE PORT ...args` (FILE relative to e2e/). The script reads the port from argv[1].
 */
export function redisPy(port: number, script: PyScript, args: string[] = []): Promise<ProcessResult> {
  const head = 'code' in script ? ['-c', script.code] : [resolve(E2E_ROOT, script.file)];
  return run(SYSTEM_PYTHON, [...head, String(port), ...args]);
}
