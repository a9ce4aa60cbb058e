import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND_INTERFACE_VERSION, type Backend } from '../src/backend.js';
import { type DagPlan, runDag, validateDag } from '../src/dag.js';
import { Engine } from '../src/engine.js';
import { RunQueue } from '../src/run-queue.js';
import { Tensor } from '../src/tensor.js';

/** A backend whose models add their two FLOAT inputs, or fail when the blob says so. */
const adder: Backend = {
  name: 'ONNX',
  interfaceVersion: BACKEND_INTERFACE_VERSION,
  version: '1',
  devices: () => ['CPU'],
  loadModel(blob) {
    const fail = blob.toString() === 'fail';
    return Promise.resolve({
      inputNames: ['a', 'b'],
      outputNames: ['c'],
      run(inputs) {
        if (fail) return Promise.reject(new Error('this model fails'));
        const [a, b] = inputs.map((t) => t.values() as number[]) as [number[], number[]];
        return Promise.resolve([
          Tensor.fromArray(
            'FLOAT',
            inputs[0]!.shape,
            a.map((x, i) => x + b[i]!),
          ),
        ]);
      },
      release() {
        // nothing held
      },
    });
  },
};

async function engine(): Promise<Engine> {
  const e = new Engine();
  await e.registerBackend(adder);
  await e.modelSet('add', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('add') });
  await e.modelSet('bad', { backend: 'ONNX', device: 'CPU', blob: Buffer.from('fail') });
  e.tensorSet('x', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  return e;
}

const two = (v: string): Tensor => Tensor.fromValues('FLOAT', [2], [v, v]);

test('a DAG runs its steps in order; only PERSIST keys reach the keyspace', async () => {
  const e = await engine();
  const plan: DagPlan = {
    load: new Map([['x', e.tensorGet('x')]]),
    steps: [
      { kind: 'tensorset', key: 'ten', tensor: two('10') },
      { kind: 'model', model: e.model('add'), inputs: ['x', 'ten'], outputs: ['s'] },
      { kind: 'model', model: e.model('add'), inputs: ['s', 's'], outputs: ['d'] },
      { kind: 'tensorget', key: 'd' },
    ],
    persist: ['d'],
    timeoutMs: 0,
  };
  validateDag(plan);
  const outcome = await runDag(e, plan);
  assert.equal(outcome.timedOut, false);
  assert.ok(!outcome.timedOut);
  assert.deepEqual(
    outcome.results.map((r) => r.kind),
    ['ok', 'ok', 'ok', 'tensor'],
  );
  const last = outcome.results[3]!;
  assert.ok(last.kind === 'tensor');
  assert.deepEqual(last.tensor.values(), [22, 24]);
  assert.deepEqual(e.tensorGet('d').values(), [22, 24]);
  assert.deepEqual([e.exists('ten'), e.exists('s')], [false, false]);
  assert.equal(e.info('add').calls, 2, 'each model step is a run of its model');
});

test('after a failed step the rest are skipped and nothing is persisted', async () => {
  const e = await engine();
  const plan: DagPlan = {
    load: new Map([['x', e.tensorGet('x')]]),
    steps: [
      { kind: 'model', model: e.model('bad'), inputs: ['x', 'x'], outputs: ['y'] },
      { kind: 'tensorget', key: 'y' },
    ],
    persist: ['y'],
    timeoutMs: 0,
  };
  const outcome = await runDag(e, plan);
  assert.ok(!outcome.timedOut);
  const first = outcome.results[0]!;
  assert.ok(first.kind === 'error');
  assert.match(first.error.message, /this model fails/);
  assert.equal(outcome.results[1]!.kind, 'skipped');
  assert.equal(e.exists('y'), false);
});

test('a DAG waiting in its queue past its TIMEOUT times out as a whole', async () => {
  const e = await engine();
  let open = (): void => undefined;
  // The queue the model's runs go to, made here so that a run of the test's own can hold it.
  const queue = e.queues.for('ONNX:CPU', () => new RunQueue('ONNX:CPU', { slots: 1 }));
  const busy = queue.submit({
    label: 'busy',
    timeoutMs: 0,
    timeoutMessage: 'timed out',
    exec: () => new Promise<void>((resolve) => (open = resolve)),
  });
  const plan: DagPlan = {
    load: new Map(),
    steps: [
      { kind: 'tensorset', key: 'a', tensor: two('1') },
      { kind: 'model', model: e.model('add'), inputs: ['a', 'a'], outputs: ['b'] },
    ],
    persist: ['b'],
    timeoutMs: 1,
  };
  assert.deepEqual(await runDag(e, plan), { timedOut: true });
  open();
  await busy;
  assert.equal(e.exists('b'), false);
});

test('validation: steps read only what was loaded or written before them', async () => {
  const e = await engine();
  const model = e.model('add');
  assert.throws(() => {
    validateDag({ load: new Map(), steps: [{ kind: 'model', model, inputs: ['nowhere', 'x'], outputs: ['y'] }], persist: [] });
  }, /^ReplyError: INPUT key cannot be found in DAG$/);
  assert.throws(() => {
    validateDag({ load: new Map(), steps: [{ kind: 'tensorget', key: 'y' }], persist: [] });
  }, /INPUT key cannot be found/);
  assert.throws(() => {
    validateDag({ load: new Map(), steps: [{ kind: 'tensorset', key: 'a', tensor: two('1') }], persist: ['b'] });
  }, /^ReplyError: PERSIST key cannot be found in DAG$/);
});
