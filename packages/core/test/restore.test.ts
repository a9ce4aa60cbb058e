import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND_INTERFACE_VERSION, type Backend } from '../src/backend.js';
import { DeferredModelHandle } from '../src/deferred-handle.js';
import { Engine } from '../src/engine.js';
import { Tensor } from '../src/tensor.js';
import { recordOf } from '../src/value-record.js';

/** A backend whose "model" doubles its input and whose "script" function `neg` negates it. */
function doubler(): Backend {
  const scale = (t: Tensor, k: number): Tensor =>
    Tensor.fromArray(
      'FLOAT',
      t.shape,
      (t.values() as number[]).map((x) => x * k),
    );
  return {
    name: 'TORCH',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'test-1',
    devices: () => ['CPU'],
    loadModel(blob) {
      if (blob.toString() !== 'double') return Promise.reject(new Error('not a model'));
      return Promise.resolve({ run: (inputs) => Promise.resolve([scale(inputs[0]!, 2)]), release: () => undefined });
    },
    compileScript(source) {
      return Promise.resolve({
        functionNames: [source],
        run: (_fn, inputs) => Promise.resolve([scale(inputs[0]!, -1)]),
        release: () => undefined,
      });
    },
  };
}

const input = (): Tensor => Tensor.fromValues('FLOAT', [2], ['1', '2']);

test('restore loads models and scripts through their backend, replacing any kind of value', async () => {
  const engine = new Engine();
  await engine.registerBackend(doubler());
  engine.tensorSet('m', input());
  await engine.restore('m', { kind: 'model', model: { backend: 'TORCH', device: 'cpu', blob: Buffer.from('double') } });
  await engine.restore('s', { kind: 'script', script: { device: 'CPU', source: 'neg' } });
  await engine.restore('x', { kind: 'tensor', tensor: input() });
  await engine.modelRun('m', ['x'], ['y']);
  await engine.scriptRun('s', 'neg', ['x'], ['z']);
  assert.deepEqual(engine.tensorGet('y').values(), [2, 4]);
  assert.deepEqual(engine.tensorGet('z').values(), [-1, -2]);
  const rec = recordOf(engine.keyspace.get('m')!);
  assert.ok(rec.kind === 'model');
  assert.equal(rec.model.device, 'CPU');
});

test('a model whose backend is not loaded is refused, naming the key and the backend', async () => {
  const engine = new Engine();
  await assert.rejects(
    engine.restore('mk', { kind: 'model', model: { backend: 'TORCH', device: 'CPU', blob: Buffer.from('double') } }),
    /key 'mk' holds a TORCH model but backend TORCH is not loaded/,
  );
  assert.equal(engine.dbsize, 0);
});

test('a bad blob is refused with the backend reason and the key', async () => {
  const engine = new Engine();
  await engine.registerBackend(doubler());
  await assert.rejects(
    engine.restore('bad', { kind: 'model', model: { backend: 'TORCH', device: 'CPU', blob: Buffer.from('junk') } }),
    /could not load the TORCH model at key 'bad': not a model/,
  );
});

test('kept without its backend, a model answers ERR until the backend is loaded, then runs', async () => {
  const engine = new Engine();
  const keep = { keepWithoutBackend: true };
  await engine.restore('m', { kind: 'model', model: { backend: 'TORCH', device: 'CPU', blob: Buffer.from('double') } }, keep);
  await engine.restore('s', { kind: 'script', script: { device: 'CPU', source: 'neg' } }, keep);
  engine.tensorSet('x', input());
  assert.ok(engine.keyspace.get('m')?.kind === 'model' && engine.keyspace.get('m')!.kind === 'model');
  assert.equal(engine.modelGet('m').blob.toString(), 'double');
  await assert.rejects(engine.modelRun('m', ['x'], ['y']), /model was restored but backend TORCH is not loaded/);
  await assert.rejects(engine.scriptRun('s', 'neg', ['x'], ['y']), /script was restored but backend TORCH is not loaded/);
  assert.equal(engine.info('m').calls, 0, 'a refused run is not a call');
  await engine.registerBackend(doubler());
  const m = engine.keyspace.get('m');
  assert.ok(m?.kind === 'model' && m.handle instanceof DeferredModelHandle && m.handle.attached);
  await engine.modelRun('m', ['x'], ['y']);
  await engine.scriptRun('s', 'neg', ['x'], ['z']);
  assert.deepEqual(engine.tensorGet('y').values(), [2, 4]);
  assert.deepEqual(engine.tensorGet('z').values(), [-1, -2]);
});

test("a run's outputs are stored as one group", async () => {
  const engine = new Engine();
  await engine.registerBackend(doubler());
  await engine.modelSet('m', { backend: 'TORCH', device: 'CPU', blob: Buffer.from('double') });
  engine.tensorSet('x', input());
  const seen: string[] = [];
  engine.keyspace.onChange((c) => seen.push(c.type));
  await engine.modelRun('m', ['x'], ['y']);
  assert.deepEqual(seen, ['begin', 'set', 'end']);
});
