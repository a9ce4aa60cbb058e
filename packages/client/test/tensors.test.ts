import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type DType, type ModelkvClient, type TensorTypedArray, UnexpectedReplyError, createModelkvClient } from '../src/index.js';
import { type RunningServer, startServer } from './server.js';

/** Four elements of each dtype, picked at the edges of its range. */
const SAMPLES: { [D in DType]: D extends 'STRING' ? string[] : TensorTypedArray } = {
  FLOAT: new Float32Array([-0, 1.401298464324817e-45, -3.4028234663852886e38, Math.fround(0.1)]),
  DOUBLE: new Float64Array([Math.PI, -0, 5e-324, -1.7976931348623157e308]),
  INT8: new Int8Array([-128, 127, 0, -1]),
  INT16: new Int16Array([-32768, 32767, 0, -1]),
  INT32: new Int32Array([-2147483648, 2147483647, 0, -1]),
  INT64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -1n]),
  UINT8: new Uint8Array([0, 255, 1, 128]),
  UINT16: new Uint16Array([0, 65535, 1, 32768]),
  BOOL: new Uint8Array([1, 0, 0, 1]),
  STRING: ['héllo', '', 'a b', '日本'],
};

const DTYPE_LIST = Object.keys(SAMPLES) as DType[];

/** The samples as a plain array, as VALUES sends and returns them. */
function plain(dtype: DType): (number | bigint | string)[] {
  return [...(SAMPLES[dtype] as Iterable<number | bigint | string>)];
}

/** Undefined until before() has started it, and still so in after() if that failed. */
let server: RunningServer | undefined;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

for (const RESP of [2, 3] as const) {
  describe(`tensors over RESP${RESP}`, () => {
    let client: ModelkvClient;
    before(async () => {
      const { host, port } = server!;
      client = await createModelkvClient({ socket: { host, port }, RESP }).connect();
    });
    after(async () => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- after() runs even when before() failed to assign client
      await client?.close();
    });

    for (const dtype of DTYPE_LIST) {
      test(`${dtype} round-trips by BLOB`, async () => {
        const key = `blob:${RESP}:${dtype}`;
        if (dtype === 'STRING') {
          await client.tensorSet(key, { dtype, shape: [2, 2], data: Buffer.from(SAMPLES.STRING.map((s) => `${s}\0`).join('')) });
          assert.deepEqual(await client.tensorGet(key), { dtype, shape: [2, 2], data: SAMPLES.STRING });
          return;
        }
        const data = SAMPLES[dtype];
        await client.tensorSet(key, { dtype, shape: [2, 2], data });
        const got = await client.tensorGet(key, 'BLOB');
        assert.equal(got.dtype, dtype);
        assert.deepEqual(got.shape, [2, 2]);
        assert.equal(got.data.constructor, data.constructor);
        assert.deepEqual(got.data, data);
        // What went in by BLOB reads back the same by VALUES.
        const values = await client.tensorGet(key, 'VALUES');
        assert.deepEqual(values, { dtype, shape: [2, 2], data: plain(dtype) });
      });

      test(`${dtype} round-trips by VALUES`, async () => {
        const key = `values:${RESP}:${dtype}`;
        await client.tensorSet(key, { dtype, shape: [4, 1], data: plain(dtype) as never });
        assert.deepEqual(await client.tensorGet(key, 'VALUES'), { dtype, shape: [4, 1], data: plain(dtype) });
        // What went in by VALUES reads back the same by BLOB.
        const blob = await client.tensorGet(key);
        assert.deepEqual(blob.data, SAMPLES[dtype]);
        assert.deepEqual(await client.tensorGet(key, 'META'), { dtype, shape: [4, 1] });
      });
    }

    test('the dtype is inferred from the typed array, and the shape from its length', async () => {
      await client.tensorSet('inferred', { data: new Int16Array([3, -4, 5]) });
      assert.deepEqual(await client.tensorGet('inferred', 'META'), { dtype: 'INT16', shape: [3] });
      await client.tensorSet('inferred64', { data: [1n, -2n] });
      assert.deepEqual(await client.tensorGet('inferred64', 'VALUES'), { dtype: 'INT64', shape: [2], data: [1n, -2n] });
      await client.tensorSet('inferredBool', { shape: [1, 3], data: [true, false, true] });
      assert.deepEqual(await client.tensorGet('inferredBool', 'VALUES'), { dtype: 'BOOL', shape: [1, 3], data: [1, 0, 1] });
    });

    test('float specials survive VALUES: infinities and NaN', async () => {
      await client.tensorSet('specials', { dtype: 'DOUBLE', data: [Infinity, -Infinity, NaN, 0.1] });
      const got = await client.tensorGet('specials', 'VALUES');
      assert.deepEqual(got.data, [Infinity, -Infinity, NaN, 0.1]);
    });

    test('shapes of several ranks, and empty tensors', async () => {
      const data = new Float64Array(24).map((_, i) => i / 3);
      await client.tensorSet('rank4', { shape: [1, 2, 3, 4], data });
      const got = await client.tensorGet('rank4');
      assert.deepEqual(got.shape, [1, 2, 3, 4]);
      assert.deepEqual(got.data, data);
      await client.tensorSet('scalar', { shape: [], data: new Float32Array([2.5]) });
      assert.deepEqual(await client.tensorGet('scalar'), { dtype: 'FLOAT', shape: [], data: new Float32Array([2.5]) });
      await client.tensorSet('empty', { dtype: 'INT32', shape: [0, 3], data: new Int32Array(0) });
      assert.deepEqual(await client.tensorGet('empty'), { dtype: 'INT32', shape: [0, 3], data: new Int32Array(0) });
      assert.deepEqual(await client.tensorGet('empty', 'VALUES'), { dtype: 'INT32', shape: [0, 3], data: [] });
    });

    test('a tensor set without data is zero-filled', async () => {
      await client.tensorSet('zeros', { dtype: 'UINT16', shape: [2, 3] });
      assert.deepEqual(await client.tensorGet('zeros'), { dtype: 'UINT16', shape: [2, 3], data: new Uint16Array(6) });
    });

    test('a multi-megabyte tensor round-trips byte-exact', async () => {
      const data = new Float32Array(3 * (1024 * 1024 + 7));
      randomFillSync(data);
      await client.tensorSet('big', { shape: [3, data.length / 3], data });
      const got = await client.tensorGet('big');
      assert.equal(got.dtype, 'FLOAT');
      assert.ok(got.data instanceof Float32Array);
      assert.ok(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(data.buffer)));
    });

    test('binary keys work', async () => {
      const key = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x20]);
      await client.tensorSet(key, { data: new Int8Array([-7]) });
      assert.deepEqual(await client.tensorGet(key, 'VALUES'), { dtype: 'INT8', shape: [1], data: [-7] });
    });

    test('pipelined commands answer in order', async () => {
      const n = 200;
      const sets = Array.from({ length: n }, (_, i) => client.tensorSet(`p:${i}`, { data: new Int32Array([i, -2 * i - 1]) }));
      const gets = Array.from({ length: n }, (_, i) => client.tensorGet(`p:${i}`, 'VALUES'));
      await Promise.all(sets);
      const replies = await Promise.all(gets);
      replies.forEach((r, i) => {
        assert.deepEqual(r.data, [i, -2 * i - 1]);
      });
    });

    test('the module used without the type mapping refuses a BLOB rather than corrupt it', async () => {
      await client.tensorSet('raw', { data: new Uint8Array([0xff, 0xfe, 0x00]) });
      await assert.rejects(client.redis.ai.tensorGet('raw'), UnexpectedReplyError);
      // VALUES and META need no mapping.
      assert.deepEqual(await client.redis.ai.tensorGet('raw', 'VALUES'), { dtype: 'UINT8', shape: [3], data: [255, 254, 0] });
    });
  });
}
