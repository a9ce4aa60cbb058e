import assert from 'node:assert/strict';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import { BACKEND_INTERFACE_VERSION, NON_TENSOR_OUTPUTS, type Backend, type ModelHandle, type NonTensorOutputs } from '../src/backend.js';
import { Engine } from '../src/engine.js';
import { ReplyError } from '../src/errors.js';
import { type LogFields, silentLogger } from '../src/logger.js';
import type { RunRecord } from '../src/observer.js';
import { isRunWaitTimedOut } from '../src/run-queue.js';
import { Tensor } from '../src/tensor.js';

/** A backend whose "model" blob names an elementwise op on FLOAT tensors. */
function arithmeticBackend(log: string[] = []): Backend {
  return {
    name: 'ONNX',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'arith-1',
    devices: () => ['CPU'],
    unavailableReason: 'no GPU here',
    loadModel(blob): Promise<ModelHandle> {
      const op = blob.toString();
      if (op !== 'add' && op !== 'mul') return Promise.reject(new Error(`unknown op '${op}'`));
      return Promise.resolve({
        inputNames: ['a', 'b'],
        outputNames: ['c'],
        async run(inputs) {
          await tick();
          const [a, b] = inputs.map((t) => t.values() as number[]) as [number[], number[]];
          if (a.length !== b.length) throw new Error('shape mismatch');
          const c = a.map((x, i) => (op === 'add' ? x + b[i]! : x * b[i]!));
          return [Tensor.fromArray('FLOAT', inputs[0]!.shape, c)];
        },
        release() {
          log.push(`release ${op}`);
        },
      });
    },
  };
}

async function engineWithModel(log?: string[]): Promise<Engine> {
  const engine = new Engine();
  await engine.registerBackend(arithmeticBackend(log));
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  engine.tensorSet('a', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  engine.tensorSet('b', Tensor.fromValues('FLOAT', [2], ['10', '20']));
  return engine;
}

test('tensors: set, get, type, exists, delete; string and Buffer keys meet', () => {
  const engine = new Engine();
  engine.tensorSet('ключ', Tensor.zeros('INT8', [1]));
  assert.equal(engine.type(Buffer.from('ключ')), 'AI_TENSOR');
  assert.ok(engine.exists(Buffer.from('ключ')));
  assert.equal(engine.type('nope'), 'none');
  assert.throws(() => engine.tensorGet('nope'), /tensor key is empty/);
  assert.ok(engine.delete('ключ'));
  assert.equal(engine.dbsize, 0);
});

test('model run stores outputs, counts statistics, and resets them', async () => {
  const engine = await engineWithModel();
  await engine.modelRun('m', ['a', 'b'], ['c']);
  assert.deepEqual(engine.tensorGet('c').values(), [11, 22]);
  const info = engine.info('m');
  assert.equal(info.type, 'MODEL');
  assert.equal(info.calls, 1);
  assert.equal(info.samples, 2);
  assert.equal(info.errors, 0);
  assert.ok(info.durationUs >= 0);
  engine.resetStat('m');
  assert.equal(engine.info('m').calls, 0);
  assert.equal(engine.type('m'), 'AI__MODEL');
});

test('run errors: missing input, wrong type, counts; failures after submission are counted', async () => {
  const engine = await engineWithModel();
  await assert.rejects(engine.modelRun('m', ['a', 'zz'], ['c']), /^ReplyError: Input key is empty$/);
  await assert.rejects(engine.modelRun('m', ['a', 'm'], ['c']), (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE');
  assert.equal(engine.info('m').calls, 0, 'errors before the run is queued are not counted');
  // The reference queued runs whatever their counts and failed them there: a call and an error.
  await assert.rejects(engine.modelRun('m', ['a'], ['c']), /expects 2 inputs, got 1/);
  await assert.rejects(engine.modelRun('m', ['a', 'b'], ['c', 'd']), /has 1 outputs/);
  assert.deepEqual([engine.info('m').calls, engine.info('m').errors], [2, 2]);
  engine.tensorSet('short', Tensor.fromValues('FLOAT', [1], ['1']));
  await assert.rejects(engine.modelRun('m', ['a', 'short'], ['c']), /shape mismatch/);
  assert.equal(engine.info('m').errors, 3);
  assert.equal(engine.exists('c'), false, 'no partial outputs');
});

test('model set: unloaded backend, TF-only INPUTS, devices, bad blobs', async () => {
  const engine = await engineWithModel();
  await assert.rejects(engine.modelSet('x', { backend: 'TORCH', device: 'CPU', blob: Buffer.from('add') }), /backend TORCH is not loaded/);
  await assert.rejects(
    engine.modelSet('x', { backend: 'ONNX', device: 'CPU', inputs: ['a'], blob: Buffer.from('add') }),
    /only for TF models/,
  );
  await assert.rejects(
    engine.modelSet('x', { backend: 'ONNX', device: 'GPU:1', blob: Buffer.from('add') }),
    /device GPU:1 is not available to backend ONNX \(no GPU here\)/,
  );
  await assert.rejects(engine.modelSet('x', { backend: 'ONNX', device: 'TPU', blob: Buffer.from('add') }), /invalid device/);
  await assert.rejects(
    engine.modelSet('x', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('sub') }),
    /^ReplyError: unknown op 'sub'$/,
  );
  assert.equal(engine.exists('x'), false);
});

test('replacing or deleting a model releases its handle after in-flight runs settle', async () => {
  const log: string[] = [];
  const engine = await engineWithModel(log);
  const running = engine.modelRun('m', ['a', 'b'], ['c']);
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('mul') });
  assert.deepEqual(log, [], 'old handle kept while its run is in flight');
  await running;
  await tick();
  assert.deepEqual(log, ['release add']);
  await engine.modelRun('m', ['a', 'b'], ['c']);
  assert.deepEqual(engine.tensorGet('c').values(), [10, 40]);
  engine.modelDel('m');
  await tick();
  assert.deepEqual(log, ['release add', 'release mul']);
  assert.throws(() => {
    engine.modelDel('m');
  }, /model key is empty/);
});

test('runs on one device queue go one at a time, in order', async () => {
  const engine = await engineWithModel();
  const order: string[] = [];
  const runs = ['x', 'y', 'z'].map((k) => engine.modelRun('m', ['a', 'b'], [k]).then(() => order.push(k)));
  const queue = engine.queues.list().find((q) => q.name === 'ONNX:CPU');
  assert.equal(queue?.running, 1);
  assert.equal(queue.depth, 2);
  await Promise.all(runs);
  assert.deepEqual(order, ['x', 'y', 'z']);
});

test('scan visits every key once across cursors, with MATCH and TYPE', async () => {
  const engine = await engineWithModel();
  for (let i = 0; i < 25; i++) engine.tensorSet(`t${i}`, Tensor.zeros('UINT8', [1]));
  const seen: string[] = [];
  let cursor = 0;
  do {
    const r = engine.scan(cursor, { count: 4 });
    seen.push(...r.keys);
    cursor = r.cursor;
  } while (cursor !== 0);
  assert.equal(seen.length, 28);
  assert.equal(new Set(seen).size, 28);
  assert.deepEqual(engine.scan(0, { count: 100, type: 'model' }).keys, ['m']);
  assert.deepEqual(engine.scan(0, { count: 100, match: 't1?' }).keys.sort(), [
    't10',
    't11',
    't12',
    't13',
    't14',
    't15',
    't16',
    't17',
    't18',
    't19',
  ]);
});

test('wrong kinds of value answer WRONGTYPE', async () => {
  const engine = await engineWithModel();
  assert.throws(
    () => engine.tensorGet('m'),
    (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE',
  );
  assert.throws(
    () => engine.modelGet('a'),
    (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE',
  );
  assert.throws(
    () => engine.scriptGet('m'),
    (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE',
  );
  // A tensor does not replace a model: the model stays, its memory still counted.
  const before = engine.keyspace.memoryUsage;
  assert.throws(
    () => {
      engine.tensorSet('m', Tensor.fromValues('INT8', [1], ['1']));
    },
    (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE',
  );
  assert.equal(engine.keyspace.get('m')?.kind, 'model');
  assert.equal(engine.keyspace.memoryUsage, before);
  assert.throws(() => engine.info('a'), /cannot find run info/);
  await assert.rejects(engine.scriptSet('s', { device: 'CPU', source: 'def f(a): return a' }), /backend TORCH is not loaded/);
});

test('a backend failing to release a handle is logged, and the key is gone all the same', async () => {
  const warnings: string[] = [];
  const logger = {
    ...silentLogger,
    warning: (message: string, fields?: LogFields): void => {
      warnings.push(`${message} key=${String(fields?.key)}`);
    },
  };
  const engine = new Engine({ logger });
  const backend = arithmeticBackend();
  await engine.registerBackend({
    ...backend,
    async loadModel(blob, options) {
      const handle = await backend.loadModel(blob, options);
      return {
        ...handle,
        release() {
          throw new Error('device lost\nwhile releasing');
        },
      };
    },
  });
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  assert.ok(engine.delete('m'));
  await tick();
  assert.deepEqual(warnings, ['releasing a backend handle failed: device lost while releasing key=m']);
  assert.equal(engine.exists('m'), false);
});

test('observers hear of each finished run and of each model or script that goes', async () => {
  const engine = await engineWithModel();
  const runs: RunRecord[] = [];
  const removed: string[] = [];
  const stop = engine.observe({
    runFinished: (r) => runs.push(r),
    removed: (kind, key) => removed.push(`${kind} ${key}`),
  });
  await engine.modelRun('m', ['a', 'b'], ['c']);
  engine.tensorSet('short', Tensor.fromValues('FLOAT', [1], ['1']));
  await assert.rejects(engine.modelRun('m', ['a', 'short'], ['c']), /shape mismatch/);
  assert.equal(runs.length, 2);
  const [ok, failed] = runs as [RunRecord, RunRecord];
  assert.deepEqual(
    { ...ok, durationUs: 0 },
    {
      kind: 'model',
      key: 'm',
      backend: 'ONNX',
      device: 'CPU',
      durationUs: 0,
      batchSize: 2,
      failed: false,
      removed: false,
    },
  );
  assert.ok(ok.durationUs > 0);
  assert.equal(failed.failed, true);
  assert.equal(failed.durationUs, 0);

  // Overwritten, deleted, flushed: each a removal; a run in flight while its model goes says so.
  const inFlight = engine.modelRun('m', ['a', 'b'], ['c']);
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('mul') });
  await inFlight;
  assert.equal(runs[2]!.removed, true);
  await engine.modelSet('m2', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  engine.modelDel('m');
  engine.flush();
  assert.deepEqual(removed, ['model m', 'model m', 'model m2']);

  stop();
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  engine.tensorSet('a', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  engine.tensorSet('b', Tensor.fromValues('FLOAT', [2], ['10', '20']));
  await engine.modelRun('m', ['a', 'b'], ['c']);
  assert.equal(runs.length, 3, 'a stopped observer hears nothing more');
});

test('a failing observer is logged and disturbs neither the run nor the other observers', async () => {
  const warnings: string[] = [];
  const engine = new Engine({ logger: { ...silentLogger, warning: (m: string) => warnings.push(m) } });
  await engine.registerBackend(arithmeticBackend());
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  engine.tensorSet('a', Tensor.fromValues('FLOAT', [1], ['1']));
  let heard = 0;
  engine.observe({
    runFinished() {
      throw new Error('observer bug');
    },
  });
  engine.observe({ runFinished: () => heard++ });
  await engine.modelRun('m', ['a', 'a'], ['c']);
  assert.deepEqual(engine.tensorGet('c').values(), [2]);
  assert.equal(heard, 1);
  assert.deepEqual(warnings, ['an engine observer failed: observer bug']);
});

test('queue occupancy and tensor memory through their accessors', async () => {
  const engine = await engineWithModel();
  assert.deepEqual(engine.tensorMemory(), { count: 2, bytes: 16 });
  engine.tensorSet('a', Tensor.zeros('DOUBLE', [3]));
  engine.tensorSet('big', Tensor.zeros('UINT8', [100]));
  assert.deepEqual(engine.tensorMemory(), { count: 3, bytes: 24 + 8 + 100 });
  engine.delete('big');
  assert.deepEqual(engine.tensorMemory(), { count: 2, bytes: 32 });
  engine.tensorSet('a', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  const runs = ['x', 'y', 'z'].map((k) => engine.modelRun('m', ['a', 'b'], [k]));
  assert.deepEqual(engine.queueStats(), [{ name: 'ONNX:CPU', running: 1, waiting: 2 }]);
  await Promise.all(runs);
  assert.deepEqual(engine.queueStats(), [{ name: 'ONNX:CPU', running: 0, waiting: 0 }]);
  assert.deepEqual(engine.tensorMemory(), { count: 5, bytes: 5 * 8 });
  engine.flush();
  assert.deepEqual(engine.tensorMemory(), { count: 0, bytes: 0 });
});

test('a run that waits in its queue past its TIMEOUT is dropped, answered RunTimedOut, and not counted', async () => {
  const engine = new Engine();
  const backend = arithmeticBackend();
  await engine.registerBackend({
    ...backend,
    async loadModel(blob, options) {
      const handle = await backend.loadModel(blob, options);
      // Each run holds the queue well past the TIMEOUT below.
      return { ...handle, run: async (inputs, n) => (await sleep(50), handle.run(inputs, n)) };
    },
  });
  await engine.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  engine.tensorSet('a', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  engine.tensorSet('b', Tensor.fromValues('FLOAT', [2], ['10', '20']));
  const model = engine.model('m');
  const a = engine.tensorGet('a');
  const b = engine.tensorGet('b');
  const first = engine.runModel(model, [a, b], 1);
  await assert.rejects(engine.runModel(model, [a, b], 1, { queueTimeoutMs: 1 }), (e: unknown) => isRunWaitTimedOut(e));
  await first;
  assert.equal(engine.info('m').calls, 1);
  // A run that gets its slot at once never times out.
  assert.equal((await engine.runModel(model, [a, b], 1, { queueTimeoutMs: 1 })).length, 1);
});

test('more threads per queue start waiting runs at once', async () => {
  const engine = await engineWithModel();
  const model = engine.model('m');
  const a = engine.tensorGet('a');
  const runs = [1, 2, 3].map(() => engine.runModel(model, [a, a], 1));
  assert.deepEqual(engine.queueStats(), [{ name: 'ONNX:CPU', running: 1, waiting: 2 }]);
  engine.setThreadsPerQueue(3);
  assert.deepEqual(engine.queueStats(), [{ name: 'ONNX:CPU', running: 3, waiting: 0 }]);
  await Promise.all(runs);
});

test('storeOutputs skips outputs that are not tensors, leaving their keys as they were', async () => {
  const engine = await engineWithModel();
  engine.tensorSet('kept', Tensor.fromValues('INT8', [1], ['7']));
  engine.storeOutputs(['new', 'kept'], [Tensor.fromValues('INT8', [1], ['1']), null]);
  assert.deepEqual(engine.tensorGet('new').values(), [1]);
  assert.deepEqual(engine.tensorGet('kept').values(), [7]);
});

test('nonTensorOutputs reaches each model load as the setting is at that load (a function is asked each time)', async () => {
  const seen: (NonTensorOutputs | undefined)[] = [];
  const backend = arithmeticBackend();
  const recording: Backend = {
    ...backend,
    loadModel(blob, options) {
      seen.push(options.nonTensorOutputs);
      return backend.loadModel(blob, options);
    },
  };
  let setting: NonTensorOutputs = 'skip';
  const engine = new Engine({ nonTensorOutputs: () => setting });
  await engine.registerBackend(recording);
  await engine.modelSet('m1', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  setting = 'tensor';
  await engine.modelSet('m2', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  const fixed = new Engine({ nonTensorOutputs: 'tensor' });
  await fixed.registerBackend(recording);
  await fixed.modelSet('m', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('mul') });
  assert.deepEqual(seen, ['skip', 'tensor', 'tensor']);
  assert.deepEqual(NON_TENSOR_OUTPUTS, ['skip', 'tensor']);
});

test('models and scripts keep their tag, batching and entry points; models() lists them in order', async () => {
  const engine = await engineWithModel();
  await engine.modelSet('t', {
    backend: 'ONNX',
    device: 'cpu',
    tag: 'v2',
    batching: { batchSize: 8, minBatchSize: 2, minBatchTimeoutMs: 5 },
    blob: Buffer.from('mul'),
  });
  const info = engine.modelGet('t');
  assert.deepEqual([info.device, info.tag, info.batching], ['CPU', 'v2', { batchSize: 8, minBatchSize: 2, minBatchTimeoutMs: 5 }]);
  assert.deepEqual(engine.models(), [
    { key: 'm', tag: '' },
    { key: 't', tag: 'v2' },
  ]);
  await assert.rejects(
    engine.modelSet('u', {
      backend: 'ONNX',
      device: 'CPU',
      batching: { batchSize: 0, minBatchSize: 2, minBatchTimeoutMs: 0 },
      blob: Buffer.from('add'),
    }),
    /MINBATCHSIZE specified without BATCHSIZE/,
  );
  assert.throws(() => engine.modelGet('nothing'), /^ReplyError: model key is empty$/);
  assert.throws(() => engine.modelGet('nothing', 'cannot get model from empty key'), /^ReplyError: cannot get model from empty key$/);
});

test("--intra-op-spinning reaches each backend's init only when it is set", async () => {
  for (const [option, want] of [
    [undefined, undefined],
    [false, false],
    [true, true],
  ] as const) {
    let heard: boolean | undefined | 'not called' = 'not called';
    const engine = new Engine(option === undefined ? {} : { intraOpSpinning: option });
    await engine.registerBackend({
      ...arithmeticBackend(),
      init(config) {
        heard = config.intraOpSpinning;
      },
    });
    assert.equal(heard, want);
  }
});
