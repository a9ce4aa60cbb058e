// The typed client (@modelkv/client) against the real server, over RESP2 and RESP3.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KeyNotFoundError, type ModelkvClient, ModelkvError, WrongTypeError, createModelkvClient } from '@modelkv/client';
import { bytesOf } from '../src/client-tensors.js';
import { DTYPE_CASES } from '../src/dtype-cases.js';
import { assertElements } from '../src/expect.js';
import { type ServerHandle, startServer } from '../src/harness.js';

let server: ServerHandle;
let tmp: string;

before(async () => {
  server = await startServer({ args: ['--loadbackend', 'ONNX', 'e2e/third-party-backend'] });
  tmp = mkdtempSync(join(tmpdir(), 'modelkv-e2e-'));
});

after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await server.stop();
});

const TYPED: Record<string, (b: Buffer) => ArrayBufferView> = {
  FLOAT: (b) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  DOUBLE: (b) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  INT8: (b) => new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  INT16: (b) => new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  INT32: (b) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  INT64: (b) => new BigInt64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  UINT8: (b) => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
  UINT16: (b) => new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
};

for (const RESP of [2, 3] as const) {
  describe(`@modelkv/client over RESP${RESP}`, () => {
    let client: ModelkvClient;

    before(async () => {
      client = await createModelkvClient({ socket: { port: server.port, host: server.host }, RESP }).connect();
    });

    after(async () => {
      await client.close();
    });

    test('the specification example', async () => {
      await client.tensorSet('foo', { dtype: 'FLOAT', shape: [2, 2], data: [1, 2, 3, 4] });
      const t = await client.tensorGet('foo', 'BLOB');
      assert.equal(t.dtype, 'FLOAT');
      assert.deepEqual(t.shape, [2, 2]);
      assert.ok(t.data instanceof Float32Array);
      assert.deepEqual([...t.data], [1, 2, 3, 4]);
      assert.deepEqual(await client.tensorGet('foo', 'META'), { dtype: 'FLOAT', shape: [2, 2] });
      const v = await client.tensorGet('foo', 'VALUES');
      assert.deepEqual(v.data, [1, 2, 3, 4]);
    });

    for (const c of DTYPE_CASES) {
      test(`${c.dtype} round-trips as a typed array (BLOB) and as values (VALUES)`, async () => {
        const blobKey = `c${RESP}:blob:${c.dtype}`;
        const valuesKey = `c${RESP}:values:${c.dtype}`;
        if (c.dtype === 'STRING') {
          await client.tensorSet(blobKey, { dtype: 'STRING', shape: [...c.shape], data: c.elements as string[] });
        } else {
          const typed = c.dtype === 'BOOL' ? new Uint8Array(c.blob) : TYPED[c.dtype]!(c.blob);
          await client.tensorSet(blobKey, { dtype: c.dtype, shape: [...c.shape], data: typed as never });
        }
        const values = c.dtype === 'INT64' ? (c.elements as bigint[]) : c.dtype === 'BOOL' ? c.elements.map((e) => e === 1) : c.elements;
        await client.tensorSet(valuesKey, { dtype: c.dtype, shape: [...c.shape], data: values as never });
        for (const key of [blobKey, valuesKey]) {
          const t = await client.tensorGet(key, 'BLOB');
          assert.equal(t.dtype, c.dtype);
          assert.deepEqual(t.shape, c.shape);
          assert.deepEqual(bytesOf(t.data as ArrayBufferView | string[]), c.blob, `${key} BLOB`);
          const v = await client.tensorGet(key, 'VALUES');
          assertElements(c, v.data, `${key} VALUES`);
          if (c.dtype === 'INT64') assert.deepEqual(v.data, c.elements, 'INT64 VALUES are exact bigints');
        }
      });
    }

    test('a zero-filled tensor, and a 16 MiB Float64Array byte-exact', async () => {
      await client.tensorSet(`c${RESP}:zeros`, { dtype: 'UINT16', shape: [3, 3] });
      const z = await client.tensorGet(`c${RESP}:zeros`);
      assert.deepEqual([...(z.data as Uint16Array)], Array(9).fill(0));
      const big = new Float64Array(randomBytes(16 * 1024 * 1024).buffer).map((x) => (Number.isNaN(x) ? 0 : x));
      await client.tensorSet(`c${RESP}:big`, { shape: [2048, 1024], data: big });
      const back = await client.tensorGet(`c${RESP}:big`);
      assert.equal(back.dtype, 'DOUBLE');
      assert.ok(bytesOf(back.data).equals(bytesOf(big)), '16 MiB tensor differs');
    });

    test('concurrent calls are pipelined and answer in order', async () => {
      const n = 300;
      await Promise.all(Array.from({ length: n }, (_, i) => client.tensorSet(`c${RESP}:p${i}`, { data: Int32Array.of(i, 1000 - i) })));
      const got = await Promise.all(Array.from({ length: n }, (_, i) => client.tensorGet(`c${RESP}:p${i}`, 'VALUES')));
      got.forEach((t, i) => {
        assert.deepEqual(t.data, [i, 1000 - i]);
      });
    });

    test('errors are typed exceptions carrying the server message', async () => {
      await assert.rejects(client.tensorGet('no-such-tensor'), (err: unknown) => {
        assert.ok(err instanceof KeyNotFoundError, String(err));
        assert.match(err.serverMessage, /^ERR /);
        return true;
      });
      await assert.rejects(client.tensorSet('bad', { dtype: 'INT8', shape: [1], data: [300] }), (err: unknown) => {
        assert.ok(err instanceof ModelkvError, String(err));
        assert.equal(err.code, 'ERR');
        assert.equal(err.serverMessage, 'ERR invalid value');
        return true;
      });
      assert.equal(await client.redis.ping(), 'PONG');
    });

    test('a model from a file path through the third-party backend; WRONGTYPE is typed', async () => {
      const file = join(tmp, 'add.json');
      writeFileSync(file, JSON.stringify({ op: 'add' }));
      await client.modelSet(`c${RESP}:model`, { backend: 'ONNX', device: 'CPU', blob: file });
      await client.tensorSet(`c${RESP}:a`, { shape: [3], data: Float32Array.of(1, 2, 3) });
      await client.tensorSet(`c${RESP}:b`, { shape: [3], data: Float32Array.of(0.5, 0.25, -3) });
      await client.modelRun(`c${RESP}:model`, { inputs: [`c${RESP}:a`, `c${RESP}:b`], outputs: [`c${RESP}:out`] });
      const out = await client.tensorGet(`c${RESP}:out`);
      assert.deepEqual([...(out.data as Float32Array)], [1.5, 2.25, 0]);
      const model = await client.modelGet(`c${RESP}:model`);
      assert.equal(model.backend, 'ONNX');
      assert.equal(model.blob.toString(), JSON.stringify({ op: 'add' }));
      const info = await client.info(`c${RESP}:model`);
      assert.equal(info.calls, 1);
      assert.equal(info.samples, 3);
      await assert.rejects(client.tensorGet(`c${RESP}:model`), WrongTypeError);
    });
  });
}
