// A backend written outside the workspace (e2e/third-party-backend), loaded by path with
// AI.CONFIG LOADBACKEND and --loadbackend, runs models; modules that are not backends are refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, parseCli, word } from '../src/cli-format.js';
import { parseDouble } from '../src/dtype-cases.js';
import { E2E_ROOT, type ServerHandle, redisCli, startServer } from '../src/harness.js';

const BACKEND_DIR = 'e2e/third-party-backend';
const ADD_MODEL = Buffer.from(JSON.stringify({ op: 'add', inputs: ['a', 'b'], outputs: ['c'] }));
const MUL_MODEL = Buffer.from(JSON.stringify({ op: 'mul' }));

let server: ServerHandle;

async function cli(args: string[], stdin?: Buffer): Promise<CliValue> {
  const r = await redisCli(server.port, stdin ? ['-x', ...args] : args, stdin);
  assert.equal(r.code, 0, `redis-cli ${args.join(' ')}: ${r.stderr}`);
  return parseCli(r.stdout);
}

function errorOf(v: CliValue): string {
  if (!Buffer.isBuffer(v) && !Array.isArray(v) && 'error' in v) return v.error;
  throw new Error(`expected an error reply, got ${show(v)}`);
}

async function assertErr(args: string[], pattern: RegExp, code = 'ERR', stdin?: Buffer): Promise<void> {
  const message = errorOf(await cli(args, stdin));
  assert.ok(message.startsWith(`${code} `), `${args.join(' ')}: expected ${code}, got '${message}'`);
  assert.match(message, pattern, args.join(' '));
  assert.deepEqual(await cli(['PING']), { status: 'PONG' }, `server stopped answering after ${args.join(' ')}`);
}

function floats(v: CliValue | undefined): number[] {
  return asArray(v).map((e) => parseDouble(asBuffer(e).toString()));
}

describe('AI.CONFIG LOADBACKEND with a third-party backend', () => {
  before(async () => {
    // The modules of e2e/bad-backends are single files, which only this opt-in lets through
    // (loadbackend-gate.test.ts checks the default).
    server = await startServer({ args: ['--loadbackend-allow-files', 'yes'] });
  });

  after(async () => {
    await server.stop();
  });

  test('before loading, ONNX models are refused with the backend named', async () => {
    await assertErr(['AI.MODELSET', 'early', 'ONNX', 'CPU'], /ONNX/, 'ERR', ADD_MODEL);
  });

  test('loading it by its package directory answers OK', async () => {
    assert.deepEqual(await cli(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR]), { status: 'OK' });
    const info = await redisCli(server.port, ['INFO']);
    assert.match(info.stdout, /^backend_onnx:.*arith-1\.0\.0/im, 'INFO lists the loaded backend and its version');
  });

  test('AI.MODELSET from a file with redis-cli -x, then AI.MODELRUN', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'adder', 'ONNX', 'CPU'], ADD_MODEL), { status: 'OK' });
    assert.deepEqual(await cli(['AI.TENSORSET', 'a', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4']), { status: 'OK' });
    assert.deepEqual(await cli(['AI.TENSORSET', 'b', 'FLOAT', '2', '2', 'VALUES', '10', '20', '30', '40.5']), { status: 'OK' });
    assert.deepEqual(await cli(['AI.MODELRUN', 'adder', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c']), { status: 'OK' });
    const c = asArray(await cli(['AI.TENSORGET', 'c', 'VALUES']));
    assert.equal(word(c[0]), 'FLOAT');
    assert.deepEqual(asArray(c[1]).map(asInteger), [2n, 2n]);
    assert.deepEqual(floats(c[2]), [11, 22, 33, 44.5]);
  });

  test('a BLOB tensor of 10000 random floats goes through the worker exactly', async () => {
    const n = 10_000;
    const x = new Float32Array(n).map(() => (Math.random() - 0.5) * 1e4);
    const y = new Float32Array(n).map(() => (Math.random() - 0.5) * 1e-2);
    assert.deepEqual(await cli(['AI.MODELSET', 'mul', 'ONNX', 'CPU'], MUL_MODEL), { status: 'OK' });
    assert.deepEqual(await cli(['AI.TENSORSET', 'x', 'FLOAT', '100', '100', 'BLOB'], Buffer.from(x.buffer)), { status: 'OK' });
    assert.deepEqual(await cli(['AI.TENSORSET', 'y', 'FLOAT', '100', '100', 'BLOB'], Buffer.from(y.buffer)), { status: 'OK' });
    assert.deepEqual(await cli(['AI.MODELRUN', 'mul', 'INPUTS', 'x', 'y', 'OUTPUTS', 'xy']), { status: 'OK' });
    const expected = Buffer.from(x.map((v, i) => v * y[i]!).buffer);
    const got = asArray(await cli(['AI.TENSORGET', 'xy', 'BLOB']));
    assert.deepEqual(asArray(got[1]).map(asInteger), [100n, 100n]);
    assert.ok(asBuffer(got[2]).equals(expected), 'product differs');
  });

  test('AI.MODELGET returns [backend, device, blob] and TYPE reports AI__MODEL', async () => {
    const reply = asArray(await cli(['AI.MODELGET', 'adder']));
    assert.equal(reply.length, 3, show(reply));
    assert.equal(word(reply[0]), 'ONNX');
    assert.equal(word(reply[1]), 'CPU');
    assert.ok(asBuffer(reply[2]).equals(ADD_MODEL));
    assert.deepEqual(await cli(['TYPE', 'adder']), { status: 'AI__MODEL' });
  });

  test('a model key used as a tensor, or a tensor as a model, is WRONGTYPE', async () => {
    await assertErr(['AI.TENSORGET', 'adder', 'BLOB'], /wrong kind of value/i, 'WRONGTYPE');
    await assertErr(['AI.MODELRUN', 'a', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], /wrong kind of value/i, 'WRONGTYPE');
  });

  test("the backend's own errors come back as ERR and store nothing", async () => {
    assert.deepEqual(await cli(['AI.TENSORSET', 'ints', 'INT32', '2', '2', 'VALUES', '1', '2', '3', '4']), { status: 'OK' });
    await assertErr(['AI.MODELRUN', 'adder', 'INPUTS', 'a', 'ints', 'OUTPUTS', 'bad-out'], /FLOAT/);
    assert.deepEqual(await cli(['AI.TENSORSET', 'wide', 'FLOAT', '4', 'VALUES', '1', '2', '3', '4']), { status: 'OK' });
    await assertErr(['AI.MODELRUN', 'adder', 'INPUTS', 'a', 'wide', 'OUTPUTS', 'bad-out'], /shape/);
    await assertErr(['AI.MODELRUN', 'adder', 'INPUTS', 'a', 'missing', 'OUTPUTS', 'bad-out'], /missing|empty|exist/);
    assert.deepEqual(await cli(['EXISTS', 'bad-out']), { integer: 0n });
    await assertErr(['AI.MODELSET', 'broken', 'ONNX', 'CPU'], /not valid JSON/, 'ERR', Buffer.from('{"op":'));
    await assertErr(['AI.MODELSET', 'broken', 'ONNX', 'GPU'], /GPU/, 'ERR', ADD_MODEL);
    assert.deepEqual(await cli(['EXISTS', 'broken']), { integer: 0n });
  });

  test('AI.INFO counts the runs', async () => {
    const info = asArray(await cli(['AI.INFO', 'adder']));
    assert.equal(info.length, 16, show(info));
    const fields = new Map<string, CliValue>();
    for (let i = 0; i < info.length; i += 2) fields.set(word(info[i]), info[i + 1]!);
    assert.equal(word(fields.get('KEY')), 'adder');
    assert.equal(word(fields.get('TYPE')), 'MODEL');
    assert.equal(word(fields.get('BACKEND')), 'ONNX');
    assert.equal(word(fields.get('DEVICE')), 'CPU');
    assert.ok(asInteger(fields.get('DURATION')) >= 0n);
    // One run on a batch of 2, and two runs that the backend failed (dtype, shape).
    assert.equal(asInteger(fields.get('SAMPLES')), 2n);
    assert.equal(asInteger(fields.get('CALLS')), 3n);
    assert.equal(asInteger(fields.get('ERRORS')), 2n);
    assert.deepEqual(await cli(['AI.INFO', 'adder', 'RESETSTAT']), { status: 'OK' });
    const reset = asArray(await cli(['AI.INFO', 'adder']));
    assert.deepEqual([reset[9], reset[11], reset[13], reset[15]].map(asInteger), [0n, 0n, 0n, 0n]);
  });

  test('a second LOADBACKEND of the same identifier is refused', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR], /already loaded/);
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'ONNX', join(E2E_ROOT, 'third-party-backend/index.js')], /already loaded/);
  });

  test('a bad path gives a clear ERR', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TF', 'e2e/no/such/backend'], /cannot load backend TF from 'e2e\/no\/such\/backend'/);
  });

  test('a JS module that is not a backend gives a clear ERR', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TF', 'e2e/bad-backends/not-a-backend.js'], /not a modelkv backend/);
  });

  test('a backend whose identifier does not match gives a clear ERR', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TORCH', BACKEND_DIR], /declares ONNX, not TORCH/);
    await assertErr(['AI.MODELSET', 'tm', 'TORCH', 'CPU'], /TORCH/, 'ERR', ADD_MODEL);
  });

  test('modules that throw on import, speak another interface version or fail to initialise', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TF', 'e2e/bad-backends/throws-on-import.js'], /fails while it is being imported/);
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TF', 'e2e/bad-backends/future-interface.js'], /interface version/);
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'TF', 'e2e/bad-backends/failing-init.js'], /libexample\.so/);
  });

  test('unknown identifiers and malformed AI.CONFIG are refused', async () => {
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'CAFFE', BACKEND_DIR], /^ERR unsupported backend$/);
    await assertErr(['AI.CONFIG', 'LOADBACKEND', 'ONNX'], /wrong number of arguments|LOADBACKEND/i);
    await assertErr(['AI.CONFIG', 'FROBNICATE'], /^ERR unsupported subcommand$/);
  });
});

describe('--loadbackend at start', () => {
  test('loads the third-party backend before accepting connections', async () => {
    server = await startServer({ args: ['--loadbackend', 'ONNX', BACKEND_DIR] });
    try {
      assert.deepEqual(await cli(['AI.MODELSET', 'm', 'ONNX', 'CPU'], MUL_MODEL), { status: 'OK' });
      const data = randomBytes(64);
      const t = new Float32Array(16).map((_, i) => data.readInt8(i) / 8);
      assert.deepEqual(await cli(['AI.TENSORSET', 't', 'FLOAT', '16', 'BLOB'], Buffer.from(t.buffer)), { status: 'OK' });
      assert.deepEqual(await cli(['AI.MODELRUN', 'm', 'INPUTS', 't', 't', 'OUTPUTS', 'sq']), { status: 'OK' });
      const reply = asArray(await cli(['AI.TENSORGET', 'sq', 'VALUES']));
      assert.deepEqual(floats(reply[2]), [...t.map((v) => v * v)]);
      await assertErr(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR], /already loaded/);
    } finally {
      await server.stop();
    }
  });

  test('a module that is not a backend stops the start with a clear message', async () => {
    await assert.rejects(startServer({ args: ['--loadbackend', 'TF', 'e2e/bad-backends/not-a-backend.js'] }), /not a modelkv backend/);
  });
});
