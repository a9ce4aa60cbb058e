// TF graphs through the typed client (@modelkv/client over node-redis), RESP2 and RESP3: modelSet
// with inputs / outputs, tensors as typed arrays, outputs against TensorFlow's, typed errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModelkvError, createModelkvClient, type ModelkvClient, type TensorInput } from '@modelkv/client';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RUN_CASES, TF_BACKEND_ARGS, type TfTensor, assertSameOutput, exactOutputs, tfFixture } from './tf-fixtures.js';

let server: ServerHandle;

before(async () => {
  server = await startServer({ args: TF_BACKEND_ARGS });
});

after(async () => {
  await server.stop();
});

/** A fixture tensor as the typed client takes it: the typed array of its dtype, or strings. */
function clientTensor(t: TfTensor): TensorInput {
  const copy = new Uint8Array(t.bytes).buffer;
  const shape = t.shape;
  switch (t.dtype) {
    case 'FLOAT': return { dtype: 'FLOAT', shape, data: new Float32Array(copy) };
    case 'DOUBLE': return { dtype: 'DOUBLE', shape, data: new Float64Array(copy) };
    case 'INT8': return { dtype: 'INT8', shape, data: new Int8Array(copy) };
    case 'INT16': return { dtype: 'INT16', shape, data: new Int16Array(copy) };
    case 'INT32': return { dtype: 'INT32', shape, data: new Int32Array(copy) };
    case 'INT64': return { dtype: 'INT64', shape, data: new BigInt64Array(copy) };
    case 'UINT8': return { dtype: 'UINT8', shape, data: new Uint8Array(copy) };
    case 'UINT16': return { dtype: 'UINT16', shape, data: new Uint16Array(copy) };
    case 'BOOL': return { dtype: 'BOOL', shape, data: new Uint8Array(copy) };
    case 'STRING': return { dtype: 'STRING', shape, data: t.bytes.toString('utf8').split('\0').slice(0, -1) };
    default: throw new Error(`no client tensor for ${t.dtype}`);
  }
}

function bytesOf(data: ArrayBufferView | string[]): Buffer {
  if (Array.isArray(data)) return Buffer.from(data.map((s) => `${s}\0`).join(''), 'utf8');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

for (const RESP of [2, 3] as const) {
  describe(`typed client over RESP${RESP}: TF graphs`, () => {
    let client: ModelkvClient;

    before(async () => {
      client = await createModelkvClient({ socket: { port: server.port, host: server.host }, RESP }).connect();
    });

    after(async () => {
      await client.close();
    });

    test('modelSet from a file path with inputs and outputs; modelGet returns TF, CPU and the same bytes', async () => {
      const fx = tfFixture('cnn');
      await client.modelSet(`c${RESP}:cnn`, { backend: 'TF', device: 'CPU', inputs: ['x'], outputs: ['Identity', 'Identity_1'], blob: fx.file });
      const got = await client.modelGet(`c${RESP}:cnn`);
      assert.equal(got.backend, 'TF');
      assert.equal(got.device, 'CPU');
      assert.ok(Buffer.from(got.blob).equals(fx.graph));
    });

    for (const name of RUN_CASES) {
      test(`modelRun ${name}: outputs as typed arrays match TensorFlow`, async () => {
        const fx = tfFixture(name);
        const key = `c${RESP}:${name}`;
        await client.modelSet(key, { backend: 'TF', device: 'CPU', inputs: fx.inputs.map((i) => i.name), outputs: fx.outputs.map((o) => o.name), blob: fx.graph });
        const inputs = fx.inputs.map((_, i) => `${key}:in${i}`);
        const outputs = fx.outputs.map((_, i) => `${key}:out${i}`);
        for (const [i, t] of fx.inputs.entries()) await client.tensorSet(inputs[i]!, clientTensor(t));
        await client.modelRun(key, { inputs, outputs });
        for (const [i, ref] of fx.outputs.entries()) {
          const got = await client.tensorGet(outputs[i]!);
          assert.equal(got.dtype, ref.dtype, `${name} ${ref.name}: dtype`);
          assert.deepEqual(got.shape, ref.shape, `${name} ${ref.name}: shape`);
          assertSameOutput(ref.dtype, bytesOf(got.data), ref.bytes, `${name} ${ref.name}`, exactOutputs(name));
        }
      });
    }

    test('refusals arrive as ModelkvError with code ERR', async () => {
      const fx = tfFixture('mul');
      await assert.rejects(client.modelSet(`c${RESP}:bad`, { backend: 'TF', device: 'CPU', outputs: ['c'], blob: fx.graph }), (err: unknown) => {
        assert.ok(err instanceof ModelkvError, String(err));
        assert.equal(err.code, 'ERR');
        assert.match(err.message, /need INPUTS/);
        return true;
      });
      await assert.rejects(
        client.modelSet(`c${RESP}:bad`, { backend: 'TF', device: 'CPU', inputs: ['a', 'b'], outputs: ['c'], blob: Buffer.from('garbage') }),
        (err: unknown) => err instanceof ModelkvError && /Invalid GraphDef/.test(err.message),
      );
      assert.equal(await client.redis.exists(`c${RESP}:bad`), 0);
    });
  });
}
