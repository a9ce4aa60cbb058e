// The official RedisAI clients, unchanged from their registries (e2e/compat/provision.sh installs
// them under .cache/compat), each driven through every operation it offers against the compat
// mode it targets: redisai-py 0.5.0 against 0.9 (the default), redisai-py 1.3.0 and redisai-go
// v1.0.1 (written for RedisAI 1.0, whose replies 1.2 keeps) against 1.2. Each driver checks the
// results and prints a line per operation; here every operation must pass, except the one
// redisai-go gets wrong itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { E2E_ROOT, REPO_ROOT } from '../src/harness.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS } from './tf-fixtures.js';

const COMPAT = join(REPO_ROOT, '.cache', 'compat');
const MODELS = join(E2E_ROOT, 'models');
// TORCH is left out: the clients load it with their own LOADBACKEND.
const BACKENDS = [...ONNX_BACKEND_ARGS, ...TF_BACKEND_ARGS];

interface OpResult {
  readonly op: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * Operations a client gets wrong on its own, with the error the server rightly answers:
 * redisai-go's BackendONNX constant is "ORT", a backend name RedisAI never had.
 */
const CLIENT_BUGS: Record<string, RegExp> = {
  'ModelSet (BackendONNX constant: sends ORT, a client bug)': /^ERR unsupported backend$/,
};

function runDriver(command: string, args: string[]): Promise<OpResult[]> {
  if (!existsSync(command)) throw new Error(`${command} is missing: run bash e2e/compat/provision.sh (scripts/setup.sh does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code}:\n${err}`));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as OpResult),
        );
    });
  });
}

function assertMatrix(client: string, results: OpResult[], diagnostic: (m: string) => void): void {
  assert.ok(results.length > 0, `${client} ran no operation`);
  const passed = results.filter((r) => r.ok || CLIENT_BUGS[r.op]?.test(r.detail ?? '')).length;
  diagnostic(`${client}: ${passed}/${results.length} operations pass`);
  for (const r of results) diagnostic(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.op}${r.detail ? ` — ${r.detail}` : ''}`);
  for (const r of results) {
    const bug = CLIENT_BUGS[r.op];
    if (bug) assert.match(r.detail ?? 'it passed', bug, `${client} ${r.op}: the client bug's error`);
    else assert.ok(r.ok, `${client} ${r.op}: ${r.detail ?? ''}`);
  }
}

/** A server in `compat` mode and the client's driver through every operation against it. */
function matrix(client: string, compat: '0.9' | '1.2', command: string, args: (port: number) => string[]): void {
  describe(`${client} against --redisai-compat ${compat}`, () => {
    const server = useServer({ args: [...BACKENDS, '--redisai-compat', compat] });
    test('every operation', async (t) => {
      const results = await runDriver(command, args(server.port));
      assertMatrix(client, results, (m) => {
        t.diagnostic(m);
      });
    });
  });
}

const python = (venv: string): string => join(COMPAT, venv, 'bin', 'python');
const driver = (file: string): string => join(E2E_ROOT, 'compat', file);

matrix('redisai-py 0.5.0', '0.9', python('redisai-py-0.5.0'), (port) => [driver('redisai_py_0_5.py'), String(port), MODELS]);
matrix('redisai-py 1.3.0', '1.2', python('redisai-py-1.3.0'), (port) => [driver('redisai_py_1_3.py'), String(port), MODELS]);
matrix('redisai-go v1.0.1', '1.2', join(COMPAT, 'redisai-go-1.0.1'), (port) => [`redis://127.0.0.1:${port}`, MODELS]);
