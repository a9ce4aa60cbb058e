// ONNX models through the typed client (@modelkv/client over node-redis), RESP2 and RESP3:
// tensors as typed arrays, the blob from a file path or a Buffer, errors as typed exceptions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BackendNotLoadedError,
  KeyNotFoundError,
  ModelkvError,
  WrongTypeError,
  createModelkvClient,
  type ModelkvClient,
} from '@modelkv/client';
import { bytesOf, clientTensor } from '../src/client-tensors.js';
import { useServer } from '../src/file-server.js';
import { startServer } from '../src/harness.js';
import { ONNX_BACKEND_ARGS, RUN_CASES, assertOnnxClose, onnxFile, onnxFixture } from './onnx-fixtures.js';

const server = useServer({ args: ONNX_BACKEND_ARGS });

for (const RESP of [2, 3] as const) {
  describe(`typed client over RESP${RESP}: ONNX models`, () => {
    let client: ModelkvClient;

    before(async () => {
      client = await createModelkvClient({ socket: { port: server.port, host: server.host }, RESP }).connect();
    });

    after(async () => {
      await client.close();
    });

    test('modelSet from a file path, modelGet returns backend, device and the same bytes', async () => {
      const fx = onnxFixture('mnist_cnn');
      await client.modelSet(`c${RESP}:mnist`, { backend: 'ONNX', device: 'CPU', blob: fx.file });
      const got = await client.modelGet(`c${RESP}:mnist`);
      assert.equal(got.backend, 'ONNX');
      assert.equal(got.device, 'CPU');
      assert.ok(Buffer.from(got.blob).equals(fx.model));
    });

    for (const name of RUN_CASES) {
      test(`modelRun ${name}: outputs as typed arrays match the reference`, async () => {
        const fx = onnxFixture(name);
        const key = `c${RESP}:${name}`;
        await client.modelSet(key, { backend: 'ONNX', device: 'CPU', blob: fx.model });
        const inputs = fx.inputs.map((_, i) => `${key}:in${i}`);
        const outputs = fx.outputs.map((_, i) => `${key}:out${i}`);
        for (const [i, t] of fx.inputs.entries()) {
          await client.tensorSet(inputs[i]!, clientTensor(t));
        }
        await client.modelRun(key, { inputs, outputs });
        for (const [i, ref] of fx.outputs.entries()) {
          const got = await client.tensorGet(outputs[i]!);
          assert.equal(got.dtype, ref.dtype);
          assert.deepEqual(got.shape, ref.shape);
          assertOnnxClose(ref.dtype, bytesOf(got.data), ref.bytes, `${name}.${ref.name}`);
        }
      });
    }

    test('INT64 outputs come back as exact BigInt64Array values', async () => {
      const got = await client.tensorGet(`c${RESP}:int64_affine:out0`);
      assert.equal(got.dtype, 'INT64');
      assert.ok(got.data instanceof BigInt64Array);
      // x = 2^62 - 1, y = 0 in the last row: x * y + x = 2^62 - 1, beyond a double's precision.
      assert.equal(got.data[8], 2n ** 62n - 1n);
    });

    test('info and resetStat', async () => {
      const key = `c${RESP}:mnist_cnn`;
      const info = await client.info(key);
      assert.equal(info.key, key);
      assert.equal(info.type, 'MODEL');
      assert.equal(info.backend, 'ONNX');
      assert.equal(info.device, 'CPU');
      assert.equal(info.calls, 1);
      assert.equal(info.samples, 4);
      assert.equal(info.errors, 0);
      assert.ok(info.duration > 0);
      await client.resetStat(key);
      const reset = await client.info(key);
      assert.deepEqual([reset.duration, reset.samples, reset.calls, reset.errors], [0, 0, 0, 0]);
    });

    test('errors are typed exceptions carrying the server message', async () => {
      await assert.rejects(
        client.modelSet(`c${RESP}:bad`, { backend: 'ONNX', device: 'CPU', blob: onnxFile('bad_random.onnx') }),
        (err: unknown) => {
          assert.ok(err instanceof ModelkvError);
          assert.equal(err.code, 'ERR');
          assert.match(err.message, /protobuf parsing failed/i);
          return true;
        },
      );
      await assert.rejects(client.modelRun(`c${RESP}:mnist`, { inputs: [`c${RESP}:nothing`], outputs: ['x'] }), KeyNotFoundError);
      await assert.rejects(client.modelRun(`c${RESP}:mnist`, { inputs: [`c${RESP}:mnist`], outputs: ['x'] }), WrongTypeError);
      await assert.rejects(client.modelGet(`c${RESP}:mnist_cnn:in0`), WrongTypeError);
      await client.tensorSet(`c${RESP}:ints`, { dtype: 'INT32', shape: [1, 1, 28, 28] });
      await assert.rejects(client.modelRun(`c${RESP}:mnist`, { inputs: [`c${RESP}:ints`], outputs: ['x'] }), /Unexpected input data type/);
      await assert.rejects(
        client.modelSet(`c${RESP}:gpu`, { backend: 'ONNX', device: 'GPU:0', blob: onnxFile('tiny_mul.onnx') }),
        /GPU:0 is not available/,
      );
    });

    test('modelDel removes the model', async () => {
      await client.modelDel(`c${RESP}:mnist`);
      await assert.rejects(client.modelGet(`c${RESP}:mnist`), ModelkvError);
      assert.equal(await client.redis.exists(`c${RESP}:mnist`), 0);
    });
  });
}

describe('typed client: a server without the backend', () => {
  test('modelSet rejects with BackendNotLoadedError naming ONNX', async () => {
    const bare = await startServer();
    const client = await createModelkvClient({ socket: { port: bare.port, host: bare.host } }).connect();
    try {
      await assert.rejects(client.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: onnxFile('tiny_mul.onnx') }), (err: unknown) => {
        assert.ok(err instanceof BackendNotLoadedError);
        assert.equal(err.backend, 'ONNX');
        return true;
      });
    } finally {
      await client.close();
      await bare.stop();
    }
  });
});
