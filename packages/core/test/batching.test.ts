import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { BACKEND_INTERFACE_VERSION, type Backend } from '../src/backend.js';
import { batchSamples, batchable, concatInputs, splitOutputs } from '../src/batch-tensors.js';
import { Engine, type EngineOptions } from '../src/engine.js';
import { RunDropped, isRunWaitTimedOut } from '../src/run-queue.js';
import { Tensor } from '../src/tensor.js';

const f32 = (shape: number[], values: number[]): Tensor => Tensor.fromArray('FLOAT', shape, values);

/**
 * A backend whose model doubles its one input and returns, as a second output, the number of
 * rows it ran on; every run's input shape is logged. `wait` ms per run hold the queue.
 */
function doublingBackend(log: number[][], wait = 20): Backend {
  return {
    name: 'ONNX',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'double-1',
    devices: () => ['CPU'],
    loadModel() {
      return Promise.resolve({
        async run(inputs, n) {
          const x = inputs[0]!;
          log.push([...x.shape]);
          await sleep(wait);
          const doubled = Tensor.fromArray(
            x.dtype,
            x.shape,
            (x.values() as number[]).map((v) => v * 2),
          );
          const rows = Tensor.fromArray('INT64', [x.shape[0]!], new Array<bigint>(x.shape[0]!).fill(BigInt(x.shape[0]!)));
          return [doubled, rows].slice(0, n);
        },
        release() {
          // Nothing to free.
        },
      });
    },
  };
}

async function engineWith(
  batching: { batchSize: number; minBatchSize?: number; minBatchTimeoutMs?: number },
  log: number[][],
  wait?: number,
  options: EngineOptions = {},
) {
  const engine = new Engine(options);
  await engine.registerBackend(doublingBackend(log, wait));
  await engine.modelSet('m', {
    backend: 'ONNX',
    device: 'CPU',
    batching: { minBatchSize: 0, minBatchTimeoutMs: 0, ...batching },
    blob: Buffer.from('x'),
  });
  return engine;
}

test('tensors join along dimension 0 and split back into each run’s rows', () => {
  const a = [f32([1, 2], [1, 2]), Tensor.fromArray('STRING', [1], ['x'])];
  const b = [f32([2, 2], [3, 4, 5, 6]), Tensor.fromArray('STRING', [2], ['yy', 'z'])];
  assert.equal(batchSamples(a), 1);
  assert.equal(batchSamples(b), 2);
  assert.equal(batchSamples([f32([1, 2], [1, 2]), f32([2], [1, 2])]), 0, 'first dimensions differ');
  assert.equal(batchSamples([Tensor.fromArray('FLOAT', [], [1])]), 0, 'a scalar');
  assert.ok(batchable(a, b));
  assert.ok(!batchable(a, [f32([1, 3], [1, 2, 3]), a[1]!]), 'other trailing dimensions');
  assert.ok(!batchable(a, [Tensor.fromArray('DOUBLE', [1, 2], [1, 2]), a[1]!]), 'another dtype');
  const joined = concatInputs([a, b]);
  assert.deepEqual(joined[0]!.shape, [3, 2]);
  assert.deepEqual(joined[0]!.values(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(joined[1]!.values(), ['x', 'yy', 'z']);
  const [first, second] = splitOutputs([joined[0]!, joined[1]!, null], [1, 2]);
  assert.deepEqual(
    first!.map((t) => t?.values()),
    [[1, 2], ['x'], undefined],
  );
  assert.deepEqual(
    second!.map((t) => t?.shape),
    [[2, 2], [2], undefined],
  );
  assert.deepEqual(second![1]!.values(), ['yy', 'z']);
  assert.throws(() => splitOutputs([f32([2], [1, 2])], [1, 2]), /output 0 has 2 rows for a batch of 3 samples/);
});

test('runs arriving while the device is busy are joined into one run, each client getting its rows', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 8 }, log);
  const model = engine.model('m');
  const runs = [1, 2, 3, 4, 5].map((i) => engine.runModel(model, [f32([1, 2], [i, -i])], 2));
  const outs = await Promise.all(runs);
  // The first run starts alone; the four that came meanwhile run together.
  assert.deepEqual(log, [
    [1, 2],
    [4, 2],
  ]);
  outs.forEach((out, j) => {
    assert.deepEqual(out[0]!.values(), [2 * (j + 1), -2 * (j + 1)]);
    assert.deepEqual(out[0]!.shape, [1, 2]);
  });
  assert.deepEqual(
    outs.map((o) => o[1]!.values()),
    [[1n], [4n], [4n], [4n], [4n]],
    'the batch ran on 4 rows',
  );
  const info = engine.info('m');
  assert.deepEqual([info.calls, info.samples, info.errors], [5, 5, 0], 'each client’s run is counted with its own samples');
});

test('BATCHSIZE caps a batch; a run too big, or not batchable, runs alone', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 3 }, log);
  const model = engine.model('m');
  const busy = engine.runModel(model, [f32([1, 1], [0])], 1);
  const runs = [
    engine.runModel(model, [f32([2, 1], [1, 2])], 1),
    engine.runModel(model, [f32([1, 1], [3])], 1),
    engine.runModel(model, [f32([1, 1], [4])], 1),
    engine.runModel(model, [f32([4, 1], [5, 6, 7, 8])], 1),
    engine.runModel(model, [f32([1, 2], [9, 9])], 1),
  ];
  await Promise.all([busy, ...runs]);
  assert.deepEqual(log, [
    [1, 1],
    [3, 1], // 2 + 1 rows; the next one would make 4
    [1, 1],
    [4, 1], // over BATCHSIZE: alone
    [1, 2], // other trailing dimensions: alone
  ]);
  assert.deepEqual((await runs[3]!)[0]!.values(), [10, 12, 14, 16]);
});

test('MINBATCHSIZE holds runs back until enough samples are there, or MINBATCHTIMEOUT has passed', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 8, minBatchSize: 3, minBatchTimeoutMs: 150 }, log, 1);
  const model = engine.model('m');
  const two = [engine.runModel(model, [f32([1, 1], [1])], 1), engine.runModel(model, [f32([1, 1], [2])], 1)];
  await sleep(30);
  assert.deepEqual(log, [], 'two samples wait for a third');
  const third = engine.runModel(model, [f32([1, 1], [3])], 1);
  await Promise.all([...two, third]);
  assert.deepEqual(log, [[3, 1]]);

  const lone = engine.runModel(model, [f32([1, 1], [4])], 1);
  await sleep(30);
  assert.equal(log.length, 1, 'still waiting');
  assert.deepEqual((await lone)[0]!.values(), [8], 'run alone once MINBATCHTIMEOUT passed');
  assert.deepEqual(log[1], [1, 1]);
});

test('a failing batch fails each of its runs; a run whose counts are wrong fails alone', async () => {
  const engine = new Engine();
  await engine.registerBackend({
    ...doublingBackend([]),
    loadModel: () =>
      Promise.resolve({
        inputNames: ['x'],
        run: () => Promise.reject(new Error('device lost')),
        release() {
          // Nothing to free.
        },
      }),
  });
  await engine.modelSet('m', {
    backend: 'ONNX',
    device: 'CPU',
    batching: { batchSize: 4, minBatchSize: 0, minBatchTimeoutMs: 0 },
    blob: Buffer.from('x'),
  });
  const model = engine.model('m');
  const results = await Promise.allSettled([
    engine.runModel(model, [f32([1], [1])], 1),
    engine.runModel(model, [f32([1], [1]), f32([1], [2])], 1),
    engine.runModel(model, [f32([1], [1])], 1),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')),
    ['ReplyError: device lost', 'ReplyError: model expects 1 inputs, got 2', 'ReplyError: device lost'],
  );
  assert.deepEqual([engine.info('m').calls, engine.info('m').errors], [3, 3]);
});

test('a batched run still waiting past its TIMEOUT is dropped; one taken into a batch is not', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 8 }, log, 40);
  const model = engine.model('m');
  const first = engine.runModel(model, [f32([1, 1], [1])], 1);
  const timed = engine.runModel(model, [f32([1, 1], [2])], 1, { queueTimeoutMs: 5 });
  await assert.rejects(timed, (e: unknown) => isRunWaitTimedOut(e));
  await first;
  assert.deepEqual(log, [[1, 1]], 'the dropped run never ran');
  assert.equal(engine.info('m').calls, 1);
});

test('a batch past MODEL_EXECUTION_TIMEOUT answers every client in it with the timeout', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 8 }, log, 80, { modelExecutionTimeoutMs: 30 });
  const model = engine.model('m');
  const first = engine.runModel(model, [f32([1, 1], [1])], 1);
  const batched = [2, 3, 4].map((v) => engine.runModel(model, [f32([1, 1], [v])], 1));
  const results = await Promise.allSettled([first, ...batched]);
  assert.deepEqual(
    results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')),
    new Array<string>(4).fill('ReplyError: model execution timed out after 30 ms'),
  );
  // The queue is held until the backend returns: then the three ran as one.
  while (log.length < 2) await sleep(10);
  assert.deepEqual(log, [
    [1, 1],
    [3, 1],
  ]);
  assert.deepEqual([engine.info('m').calls, engine.info('m').errors], [4, 4]);
  assert.equal(engine.runCounters.timedOut, 4);
});

test('a batched run whose client has gone before it was taken into a batch is dropped', async () => {
  const log: number[][] = [];
  const engine = await engineWith({ batchSize: 8 }, log, 40);
  const model = engine.model('m');
  const gone = new AbortController();
  const first = engine.runModel(model, [f32([1, 1], [1])], 1);
  const dropped = engine.runModel(model, [f32([1, 1], [2])], 1, { signal: gone.signal });
  const kept = engine.runModel(model, [f32([1, 1], [3])], 1);
  gone.abort();
  await assert.rejects(dropped, RunDropped);
  assert.deepEqual((await kept)[0]!.values(), [6]);
  await first;
  assert.deepEqual(log, [
    [1, 1],
    [1, 1],
  ]);
  assert.equal(engine.runCounters.dropped, 1);
  assert.equal(engine.info('m').calls, 2);
});
