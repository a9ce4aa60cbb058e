import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BackendNotLoadedError,
  type DType,
  KeyNotFoundError,
  ModelkvError,
  type ModelkvClient,
  WrongTypeError,
  createModelkvClient,
} from '../src/index.js';
import { type RunningServer, startServer } from './server.js';

/** Asserts that `promise` rejects with exactly the class `type` (not a subclass), carrying an ERR-like reply. */
async function rejectsWith<E extends ModelkvError>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
  message: RegExp,
): Promise<E> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof ModelkvError, `expected a ModelkvError, got ${String(caught)}`);
  assert.equal(caught.constructor, type, `expected ${type.name}, got ${caught.constructor.name}: ${caught.message}`);
  assert.match(caught.serverMessage, message);
  // Its constructor is `type` itself, checked above.
  return caught as E;
}

/** Undefined until before() has started it, and still so in after() if that failed. */
let server: RunningServer | undefined;
let dir: string;
before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'modelkv-client-'));
});
after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const RESP of [2, 3] as const) {
  describe(`typed errors over RESP${RESP}`, () => {
    let client: ModelkvClient;
    before(async () => {
      const { host, port } = server!;
      client = await createModelkvClient({ socket: { host, port }, RESP }).connect();
      await client.tensorSet('tensor', { data: new Float32Array([1, 2]) });
    });
    after(async () => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- after() runs even when before() failed to assign client
      await client?.close();
    });

    test('a missing tensor is KeyNotFoundError', async () => {
      const err = await rejectsWith(client.tensorGet('no-such-key'), KeyNotFoundError, /^ERR /);
      assert.equal(err.code, 'ERR');
    });

    test('a tensor key used as a model or script is WrongTypeError', async () => {
      const err = await rejectsWith(client.modelGet('tensor'), WrongTypeError, /^WRONGTYPE /);
      assert.equal(err.code, 'WRONGTYPE');
      await rejectsWith(client.scriptGet('tensor'), WrongTypeError, /^WRONGTYPE /);
      await rejectsWith(client.modelDel('tensor'), WrongTypeError, /^WRONGTYPE /);
      await rejectsWith(client.scriptDel('tensor'), WrongTypeError, /^WRONGTYPE /);
      // The tensor is untouched.
      assert.deepEqual((await client.tensorGet('tensor')).data, new Float32Array([1, 2]));
    });

    test('bad tensors are refused with the server reason', async () => {
      await rejectsWith(client.tensorSet('t', { dtype: 'FLOAT16' as DType, shape: [1] }), ModelkvError, /^ERR invalid data type$/);
      await rejectsWith(client.tensorSet('t', { dtype: 'FLOAT', shape: [3], data: new Float32Array(2) }), ModelkvError, /^ERR .*length/i);
      await rejectsWith(client.tensorSet('t', { dtype: 'INT8', shape: [1], data: [300] }), ModelkvError, /^ERR invalid value$/);
      await rejectsWith(client.tensorSet('t', { dtype: 'FLOAT', shape: [-1] }), ModelkvError, /^ERR .*(negative|shape)/i);
      await rejectsWith(client.tensorSet('t', { dtype: 'INT32', shape: [2], data: [1.5, 2] }), ModelkvError, /^ERR /);
      await rejectsWith(client.tensorSet('t', { dtype: 'UINT8', shape: [2], data: [1] }), ModelkvError, /^ERR /);
      assert.equal(await client.redis.exists('t'), 0);
    });

    test('models and scripts need their backend loaded', async () => {
      const err = await rejectsWith(
        client.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('not a model') }),
        BackendNotLoadedError,
        /^ERR .*ONNX/,
      );
      assert.equal(err.backend, 'ONNX');
      const script = await rejectsWith(
        client.scriptSet('s', { device: 'CPU', source: 'def f(a):\n    return a\n' }),
        BackendNotLoadedError,
        /^ERR .*TORCH/,
      );
      assert.equal(script.backend, 'TORCH');
    });

    test('modelSet reads a blob from a path', async () => {
      const file = join(dir, `model-${RESP}.pt`);
      writeFileSync(file, Buffer.from([1, 2, 3]));
      await rejectsWith(client.modelSet('m', { backend: 'TORCH', device: 'CPU', blob: file }), BackendNotLoadedError, /TORCH/);
      await assert.rejects(client.modelSet('m', { backend: 'TORCH', device: 'CPU', blob: join(dir, 'missing.pt') }), { code: 'ENOENT' });
    });

    test('info on a key without a model or script is an ERR', async () => {
      await rejectsWith(client.info('tensor'), ModelkvError, /^ERR /);
      await rejectsWith(client.resetStat('nothing-here'), ModelkvError, /^ERR /);
    });

    test('loadBackend with a bad path or a module that is no backend is an ERR', async () => {
      await rejectsWith(client.loadBackend('TORCH', join(dir, 'no-such-backend')), ModelkvError, /^ERR .*no-such-backend/);
      // A package declaring a backend (which the server checks before importing it) that exports none.
      const notBackend = join(dir, `not-a-backend-${RESP}`);
      mkdirSync(notBackend);
      writeFileSync(
        join(notBackend, 'package.json'),
        JSON.stringify({ type: 'module', exports: './index.js', modelkv: { backend: 'ONNX' } }),
      );
      writeFileSync(join(notBackend, 'index.js'), 'export const answer = 42;\n');
      await rejectsWith(client.loadBackend('ONNX', notBackend), ModelkvError, /^ERR .*not a modelkv backend/);
      await rejectsWith(client.loadBackend('TORCH', notBackend), ModelkvError, /^ERR .*declares ONNX, not TORCH/);
    });

    test('the connection keeps serving after every error', async () => {
      assert.equal(await client.redis.ping(), 'PONG');
      assert.deepEqual(await client.tensorGet('tensor', 'META'), { dtype: 'FLOAT', shape: [2] });
    });
  });
}
