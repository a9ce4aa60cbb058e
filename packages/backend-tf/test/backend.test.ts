import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { type Device, Engine, Tensor } from '@modelkv/core';
import { loadAddon } from '../src/addon.js';
import { TfBackend, backend } from '../src/index.js';
import { DTYPE_FIXTURES, MODELS, ensureModels, loadFixture, maxAbsDiff } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };

before(() => {
  ensureModels();
});

function sameTensor(actual: Tensor, expected: Tensor, what: string): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.ok(
    actual.data.equals(expected.data),
    `${what}: bytes differ\n got      ${actual.data.toString('hex')}\n expected ${expected.data.toString('hex')}`,
  );
}

describe('TF backend in-process', () => {
  test('reports the libtensorflow it runs and only devices it has', () => {
    assert.match(backend.version, /^\d+\.\d+\.\d+/);
    const devices = backend.devices();
    assert.equal(devices[0], 'CPU');
    if (!devices.some((d) => d.startsWith('GPU'))) assert.match(backend.unavailableReason ?? '', /no GPU/);
  });

  test("the specification's a * b graph matches TensorFlow", async () => {
    const f = loadFixture('mul');
    const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['a', 'b'], outputs: ['c'] });
    assert.deepEqual(model.inputNames, ['a', 'b']);
    assert.deepEqual(model.outputNames, ['c']);
    const [c] = await model.run(
      f.inputs.map((i) => i.tensor),
      1,
    );
    sameTensor(c!, f.outputs[0]!.tensor, 'c');
    await model.release();
  });

  test('a graph frozen TF1-style with convert_variables_to_constants matches TensorFlow', async () => {
    const f = loadFixture('affine');
    const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['x:0'], outputs: ['y:0'] });
    const [y] = await model.run([f.inputs[0]!.tensor], 1);
    assert.deepEqual(y!.shape, [5, 3]);
    assert.ok(maxAbsDiff(y!, f.outputs[0]!.tensor) < 1e-5);
    await model.release();
  });

  test('the frozen tf.function CNN matches TensorFlow, for its batch and for one image', async () => {
    const f = loadFixture('cnn');
    const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['x'], outputs: ['Identity', 'Identity_1'] });
    const [probs, classes] = await model.run([f.inputs[0]!.tensor], 2);
    assert.deepEqual(probs!.shape, [4, 10]);
    assert.ok(maxAbsDiff(probs!, f.outputs[0]!.tensor) < 1e-5, 'probabilities');
    sameTensor(classes!, f.outputs[1]!.tensor, 'argmax');

    const image = Tensor.fromBlob('FLOAT', [1, 28, 28, 1], f.inputs[0]!.tensor.data.subarray(0, 28 * 28 * 4));
    const [one] = await model.run([image], 2);
    assert.deepEqual(one!.shape, [1, 10]);
    const expected = Tensor.fromBlob('FLOAT', [1, 10], f.outputs[0]!.tensor.data.subarray(0, 40));
    assert.ok(maxAbsDiff(one!, expected) < 1e-5);
    await model.release();
  });

  for (const { dtype, name } of DTYPE_FIXTURES) {
    test(`${dtype} in and out: Identity, ReverseV2 and Cast match TensorFlow byte for byte`, async () => {
      const f = loadFixture(name);
      const model = await backend.loadModel(f.blob, {
        device: CPU,
        inputs: f.inputs.map((i) => i.name),
        outputs: f.outputs.map((o) => o.name),
      });
      assert.equal(f.inputs[0]!.tensor.dtype, dtype);
      const outputs = await model.run(
        f.inputs.map((i) => i.tensor),
        f.outputs.length,
      );
      assert.equal(outputs.length, 4);
      outputs.forEach((t, i) => {
        assert.ok(t, `${name} output ${i} is a tensor`);
        sameTensor(t, f.outputs[i]!.tensor, `${name} output ${f.outputs[i]!.name}`);
      });
      await model.release();
    });
  }

  test('concurrent runs of one model each get their own results', async () => {
    const f = loadFixture('mul');
    const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['a', 'b'], outputs: ['c'] });
    const runs = Array.from({ length: 16 }, (_, i) => {
      const a = Tensor.fromArray('FLOAT', [3], [i, i + 1, i + 2]);
      const b = Tensor.fromArray('FLOAT', [3], [2, 3, 4]);
      return model.run([a, b], 1).then(([c]) => ({ i, c: c!.values() }));
    });
    for (const { i, c } of await Promise.all(runs)) assert.deepEqual(c, [i * 2, (i + 1) * 3, (i + 2) * 4]);
    await model.release();
  });

  test('a run in flight finishes when the model is released meanwhile', async () => {
    const f = loadFixture('cnn');
    const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['x'], outputs: ['Identity', 'Identity_1'] });
    const pending = model.run([f.inputs[0]!.tensor], 2);
    await model.release();
    const [probs] = await pending;
    assert.ok(maxAbsDiff(probs!, f.outputs[0]!.tensor) < 1e-5);
    await assert.rejects(model.run([f.inputs[0]!.tensor], 2), /released/);
  });
});

describe('TF backend refusals', () => {
  const mul = () => readFileSync(join(MODELS, 'mul.pb'));

  test('INPUTS and OUTPUTS are both required', async () => {
    await assert.rejects(backend.loadModel(mul(), { device: CPU, inputs: [], outputs: ['c'] }), /need INPUTS/);
    await assert.rejects(backend.loadModel(mul(), { device: CPU, inputs: ['a', 'b'], outputs: [] }), /need OUTPUTS/);
  });

  test('names that are not in the graph, or outputs a node does not have', async () => {
    await assert.rejects(
      backend.loadModel(mul(), { device: CPU, inputs: ['a', 'nope'], outputs: ['c'] }),
      /INPUTS name 'nope' is not a node/,
    );
    await assert.rejects(backend.loadModel(mul(), { device: CPU, inputs: ['a', 'b'], outputs: ['c:1'] }), /node 'c' has 1 output/);
    await assert.rejects(backend.loadModel(mul(), { device: CPU, inputs: ['a', 'b'], outputs: ['c:x'] }), /not of the form/);
  });

  test('a blob that is not a GraphDef: the safe-op check says why, or else TensorFlow', async () => {
    await assert.rejects(
      backend.loadModel(Buffer.from('this is not a graph'), { device: CPU, inputs: ['a'], outputs: ['c'] }),
      /not a TensorFlow GraphDef: Invalid GraphDef \(groups are not supported\)/,
    );
    const trusting = new TfBackend(await loadAddon());
    trusting.init({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: true });
    await assert.rejects(
      trusting.loadModel(Buffer.from('this is not a graph'), { device: CPU, inputs: ['a'], outputs: ['c'] }),
      /not a TensorFlow GraphDef: Invalid GraphDef/,
    );
    const truncated = mul().subarray(0, 20);
    await assert.rejects(backend.loadModel(truncated, { device: CPU, inputs: ['a', 'b'], outputs: ['c'] }));
  });

  test('a dtype modelkv tensors cannot hold', async () => {
    await assert.rejects(
      backend.loadModel(readFileSync(join(MODELS, 'half.pb')), { device: CPU, inputs: ['x'], outputs: ['y'] }),
      /TensorFlow type half, which modelkv tensors cannot hold/,
    );
  });

  test('a GPU the library does not see', async (t) => {
    if (backend.devices().includes('GPU:0')) {
      t.skip('this libtensorflow sees a GPU');
      return;
    }
    await assert.rejects(
      backend.loadModel(mul(), { device: { kind: 'GPU', index: 0 }, inputs: ['a', 'b'], outputs: ['c'] }),
      /sees no GPU/,
    );
  });

  test('inputs of the wrong dtype, shapes TensorFlow rejects, wrong counts', async () => {
    const model = await backend.loadModel(mul(), { device: CPU, inputs: ['a', 'b'], outputs: ['c'] });
    const a = Tensor.fromArray('FLOAT', [2], [1, 2]);
    await assert.rejects(model.run([a, Tensor.fromArray('INT32', [2], [1, 2])], 1), /input 1 \('b'\) must be FLOAT, got INT32/);
    await assert.rejects(model.run([a, Tensor.fromArray('FLOAT', [3], [1, 2, 3])], 1), /Incompatible shapes/);
    await assert.rejects(model.run([a], 1), /expects 2 inputs/);
    await assert.rejects(model.run([a, a], 2), /has 1 outputs/);
    const [c] = await model.run([a, a], 1);
    assert.deepEqual(c!.values(), [1, 4]);
    await model.release();
  });
});

describe('TF backend in the engine', () => {
  test('MODELSET / MODELRUN through core with INPUTS and OUTPUTS', async () => {
    const engine = new Engine({ intraOpThreads: 1, interOpThreads: 1 });
    await engine.registerBackend(new TfBackend(await loadAddon()));
    const f = loadFixture('mul');
    await engine.modelSet('m', { backend: 'TF', device: 'CPU', inputs: ['a', 'b'], outputs: ['c'], blob: f.blob });
    assert.ok(engine.modelGet('m').blob.equals(f.blob));
    engine.tensorSet('a', f.inputs[0]!.tensor);
    engine.tensorSet('b', f.inputs[1]!.tensor);
    await engine.modelRun('m', ['a', 'b'], ['c']);
    sameTensor(engine.tensorGet('c'), f.outputs[0]!.tensor, 'c');
    await assert.rejects(
      engine.modelSet('g', { backend: 'TF', device: 'GPU', inputs: ['a'], outputs: ['c'], blob: f.blob }),
      /not available/,
    );
  });
});
