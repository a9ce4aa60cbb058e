// TF graphs through the typed client (@modelkv/client over node-redis), RESP2 and RESP3: modelSet
// with inputs / outputs, tensors as typed arrays, outputs against TensorFlow's, typed errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModelkvError, createModelkvClient, type ModelkvClient } from '@modelkv/client';
import { bytesOf, clientTensor } from '../src/client-tensors.js';
import { useServer } from '../src/file-server.js';
import { RUN_CASES, TF_BACKEND_ARGS, assertSameOutput, exactOutputs, tfFixture } from './tf-fixtures.js';

const server = useServer({ args: TF_BACKEND_ARGS });

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
      await client.modelSet(`c${RESP}:cnn`, {
        backend: 'TF',
        device: 'CPU',
        inputs: ['x'],
        outputs: ['Identity', 'Identity_1'],
        blob: fx.file,
      });
      const got = await client.modelGet(`c${RESP}:cnn`);
      assert.equal(got.backend, 'TF');
      assert.equal(got.device, 'CPU');
      assert.ok(Buffer.from(got.blob).equals(fx.model));
    });

    for (const name of RUN_CASES) {
      test(`modelRun ${name}: outputs as typed arrays match TensorFlow`, async () => {
        const fx = tfFixture(name);
        const key = `c${RESP}:${name}`;
        await client.modelSet(key, {
          backend: 'TF',
          device: 'CPU',
          inputs: fx.inputs.map((i) => i.name),
          outputs: fx.outputs.map((o) => o.name),
          blob: fx.model,
        });
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
      await assert.rejects(
        client.modelSet(`c${RESP}:bad`, { backend: 'TF', device: 'CPU', outputs: ['c'], blob: fx.model }),
        (err: unknown) => {
          assert.ok(err instanceof ModelkvError, String(err));
          assert.equal(err.code, 'ERR');
          assert.match(err.message, /INPUTS and OUTPUTS not specified/);
          return true;
        },
      );
      await assert.rejects(
        client.modelSet(`c${RESP}:bad`, { backend: 'TF', device: 'CPU', inputs: ['a', 'b'], outputs: ['c'], blob: Buffer.from('garbage') }),
        (err: unknown) => err instanceof ModelkvError && err.message.includes('Invalid GraphDef'),
      );
      assert.equal(await client.redis.exists(`c${RESP}:bad`), 0);
    });
  });
}
