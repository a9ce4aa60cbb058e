// Automatic batching over the wire: clients' concurrent AI.MODELEXECUTE runs of a model stored
// with BATCHSIZE each get their own image's outputs (torch's, from the fixture), whoever they were
// batched with; MINBATCHSIZE holds runs back until MINBATCHTIMEOUT; AI.INFO counts each client's
// run; AI.MODELGET reports the settings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createModelkvClient, type ModelkvClient } from '@modelkv/client';
import { bytesOf } from '../src/client-tensors.js';
import { useServer } from '../src/file-server.js';
import { ONNX_BACKEND_ARGS, assertOnnxClose, onnxFixture } from './onnx-fixtures.js';

const server = useServer({ args: [...ONNX_BACKEND_ARGS, '--redisai-compat', '1.2'] });
const CLIENTS = 12;

describe('automatic batching of an ONNX CNN', () => {
  const fx = onnxFixture('mnist_cnn');
  const [images] = fx.inputs;
  const [logprobs] = fx.outputs;
  const samples = images!.shape[0]!;
  const imageBytes = images!.bytes.length / samples;
  const rowBytes = logprobs!.bytes.length / samples;
  let clients: ModelkvClient[] = [];

  before(async () => {
    clients = await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        createModelkvClient({ socket: { port: server.port, host: server.host }, redisai: '1.2' }).connect(),
      ),
    );
    await Promise.all(
      clients.map((c, i) => {
        const s = i % samples;
        const image = new Uint8Array(images!.bytes.subarray(s * imageBytes, (s + 1) * imageBytes));
        return c.tensorSet(`img:${i}`, { dtype: 'FLOAT', shape: [1, 1, 28, 28], data: image });
      }),
    );
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  /** Every client runs `model` on its own image `rounds` times at once with the others; checks each output. */
  async function runAll(model: string, rounds: number): Promise<void> {
    await Promise.all(
      clients.map(async (c, i) => {
        for (let r = 0; r < rounds; r++) {
          assert.equal(await c.modelExecute(model, { inputs: [`img:${i}`], outputs: [`out:${model}:${i}`] }), 'OK');
          const out = await c.tensorGet(`out:${model}:${i}`);
          assert.deepEqual(out.shape, [1, 10]);
          const s = i % samples;
          assertOnnxClose('FLOAT', bytesOf(out.data), logprobs!.bytes.subarray(s * rowBytes, (s + 1) * rowBytes), `client ${i}`);
        }
      }),
    );
  }

  test('BATCHSIZE: every client gets its own rows, and each run counts with its samples', async () => {
    await clients[0]!.modelStore('cnn:b4', { backend: 'ONNX', device: 'CPU', batching: { batchSize: 4 }, blob: fx.model });
    await runAll('cnn:b4', 5);
    const info = await clients[0]!.info('cnn:b4');
    assert.deepEqual([info.calls, info.samples, info.errors], [CLIENTS * 5, CLIENTS * 5, 0]);
    assert.deepEqual((await clients[0]!.modelMeta('cnn:b4')).batching, { batchSize: 4, minBatchSize: 0, minBatchTimeout: 0 });
  });

  test('MINBATCHSIZE with MINBATCHTIMEOUT: runs held back still complete, through MODELRUN and DAGs too', async () => {
    await clients[0]!.modelStore('cnn:min', {
      backend: 'ONNX',
      device: 'CPU',
      batching: { batchSize: 32, minBatchSize: 64, minBatchTimeout: 20 },
      blob: fx.model,
    });
    await runAll('cnn:min', 2);
    await clients[0]!.modelRun('cnn:min', { inputs: ['img:0'], outputs: ['run:out'] });
    const dag = await clients[1]!
      .dag({ load: ['img:1'] })
      .modelExecute('cnn:min', { inputs: ['img:1'], outputs: ['x'] })
      .tensorGet('x', 'META')
      .execute();
    assert.deepEqual(dag, ['OK', { dtype: 'FLOAT', shape: [1, 10] }]);
  });

  test('a run whose inputs cannot join the others runs alone', async () => {
    await clients[0]!.modelStore('cnn:mixed', { backend: 'ONNX', device: 'CPU', batching: { batchSize: 8 }, blob: fx.model });
    await clients[0]!.tensorSet('img:all', { dtype: 'FLOAT', shape: [samples, 1, 28, 28], data: new Uint8Array(images!.bytes) });
    const [, whole] = await Promise.all([
      runAll('cnn:mixed', 1),
      clients[0]!.modelExecute('cnn:mixed', { inputs: ['img:all'], outputs: ['out:all'] }).then(() => clients[0]!.tensorGet('out:all')),
    ]);
    assert.deepEqual(whole.shape, [samples, 10]);
    assertOnnxClose('FLOAT', bytesOf(whole.data), logprobs!.bytes, 'the whole fixture batch');
  });
});
