import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Tensor, type ModelHandle } from '@modelkv/core';
import backend from '../src/index.js';
import { assertTensorClose, loadFixture } from './fixtures.js';

const CPU = { device: { kind: 'CPU' as const, index: 0 }, inputs: [], outputs: [] };

const CASES = [
  { name: 'tiny_mul', script: 'make_tiny' },
  { name: 'mnist_cnn', script: 'make_mnist_cnn' },
  { name: 'int64_affine', script: 'make_int64' },
  { name: 'two_outputs', script: 'make_two_outputs' },
  { name: 'dtypes', script: 'make_dtypes' },
  { name: 'string_identity', script: 'make_strings' },
  { name: 'slow_matmul', script: 'make_slow' },
];

describe('ONNX models in process match the outputs of the framework that produced them', () => {
  const handles: ModelHandle[] = [];
  after(async () => {
    await Promise.all(
      handles.map(async (h) => {
        await h.release();
      }),
    );
  });

  for (const { name, script } of CASES) {
    it(name, async () => {
      const fx = loadFixture(name, script);
      const model = await backend.loadModel(fx.model, CPU);
      handles.push(model);
      assert.deepEqual(
        model.inputNames,
        fx.inputs.map((t) => t.name),
      );
      assert.deepEqual(
        model.outputNames,
        fx.outputs.map((t) => t.name),
      );
      const outputs = await model.run(
        fx.inputs.map((t) => t.tensor),
        fx.outputs.length,
      );
      assert.equal(outputs.length, fx.outputs.length);
      outputs.forEach((out, i) => {
        assert.ok(out, `${name}.${fx.outputs[i]!.name} is a tensor`);
        assertTensorClose(out, fx.outputs[i]!.tensor, `${name}.${fx.outputs[i]!.name}`);
      });
    });
  }

  it('mnist_cnn runs on any batch size (dynamic batch dimension)', async () => {
    const fx = loadFixture('mnist_cnn', 'make_mnist_cnn');
    const model = await backend.loadModel(fx.model, CPU);
    handles.push(model);
    const images = fx.inputs[0]!.tensor;
    const expected = fx.outputs[0]!.tensor;
    const imageBytes = images.byteLength / images.shape[0]!;
    const rowBytes = expected.byteLength / expected.shape[0]!;
    for (const batch of [1, 3]) {
      const input = Tensor.fromBlob('FLOAT', [batch, 1, 28, 28], images.data.subarray(0, batch * imageBytes));
      const [out] = await model.run([input], 1);
      const want = Tensor.fromBlob('FLOAT', [batch, 10], expected.data.subarray(0, batch * rowBytes));
      assertTensorClose(out!, want, `batch ${batch}`);
    }
  });

  it('reads inputs whose bytes start at an offset not aligned to the element size', async () => {
    const fx = loadFixture('int64_affine', 'make_int64');
    const model = await backend.loadModel(fx.model, CPU);
    handles.push(model);
    const misaligned = fx.inputs.map(({ tensor }) => {
      const backing = Buffer.alloc(tensor.byteLength + 3);
      tensor.data.copy(backing, 3);
      const view = backing.subarray(3);
      assert.notEqual(view.byteOffset % 8, 0);
      return Tensor.fromBlob(tensor.dtype, tensor.shape, view);
    });
    const [out] = await model.run(misaligned, 1);
    assertTensorClose(out!, fx.outputs[0]!.tensor, 'int64_affine');
  });

  it('runs concurrent requests on one model and keeps each answer with its request', async () => {
    const fx = loadFixture('tiny_mul', 'make_tiny');
    const model = await backend.loadModel(fx.model, CPU);
    handles.push(model);
    const runs = Array.from({ length: 20 }, (_, i) => {
      const a = Tensor.fromArray('FLOAT', [1, 2], [i, 2]);
      const b = Tensor.fromArray('FLOAT', [1, 2], [3, i]);
      return model.run([a, b], 1);
    });
    const results = await Promise.all(runs);
    results.forEach(([c], i) => {
      assert.deepEqual(c!.values(), [3 * i, 2 * i]);
    });
  });
});
