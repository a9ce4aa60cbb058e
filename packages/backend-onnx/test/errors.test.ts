import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Tensor, type ModelHandle } from '@modelkv/core';
import backend from '../src/index.js';
import { loadFixture, modelBytes } from './fixtures.js';

const CPU = { device: { kind: 'CPU' as const, index: 0 }, inputs: [], outputs: [] };

describe('model blobs onnxruntime cannot load are refused with its reason', () => {
  it('random bytes', async () => {
    await assert.rejects(backend.loadModel(modelBytes('bad_random.onnx', 'make_bad_models'), CPU), /protobuf parsing failed/i);
  });

  it('a truncated model', async () => {
    await assert.rejects(backend.loadModel(modelBytes('bad_truncated.onnx', 'make_bad_models'), CPU), /protobuf parsing failed/i);
  });

  it('an empty blob', async () => {
    await assert.rejects(backend.loadModel(Buffer.alloc(0), CPU), /empty/);
  });

  it('a GPU this install cannot use', { skip: backend.devices().includes('GPU:0') }, async () => {
    await assert.rejects(
      backend.loadModel(loadFixture('tiny_mul', 'make_tiny').model, { ...CPU, device: { kind: 'GPU', index: 0 } }),
      (err: Error) => err.message.includes('GPU:0') && err.message.includes(backend.unavailableReason ?? '\0'),
    );
  });
});

describe('runs onnxruntime rejects carry its message', () => {
  let tiny: ModelHandle;
  let mnist: ModelHandle;
  before(async () => {
    tiny = await backend.loadModel(loadFixture('tiny_mul', 'make_tiny').model, CPU);
    mnist = await backend.loadModel(loadFixture('mnist_cnn', 'make_mnist_cnn').model, CPU);
  });
  after(async () => {
    await tiny.release();
    await mnist.release();
  });

  it('a wrong input dtype', async () => {
    const a = Tensor.zeros('INT32', [2, 2]);
    const b = Tensor.zeros('FLOAT', [2, 2]);
    await assert.rejects(tiny.run([a, b], 1), /Unexpected input data type.*tensor\(int32\).*tensor\(float\)/);
  });

  it('a wrong input shape', async () => {
    await assert.rejects(mnist.run([Tensor.zeros('FLOAT', [1, 1, 27, 28])], 1), /invalid dimensions for input: image/i);
  });

  it('a wrong number of inputs or outputs', async () => {
    const a = Tensor.zeros('FLOAT', [2, 2]);
    await assert.rejects(tiny.run([a], 1), /expects 2 inputs/);
    await assert.rejects(tiny.run([a, a, a], 1), /expects 2 inputs/);
    await assert.rejects(tiny.run([a, a], 2), /has 1 outputs/);
  });

  it('the model still answers after rejected runs', async () => {
    const a = Tensor.fromArray('FLOAT', [1, 2], [2, 3]);
    const [c] = await tiny.run([a, a], 1);
    assert.deepEqual(c!.values(), [4, 9]);
  });

  it('a released model refuses to run', async () => {
    const model = await backend.loadModel(loadFixture('tiny_mul', 'make_tiny').model, CPU);
    await model.release();
    const a = Tensor.zeros('FLOAT', [1, 1]);
    await assert.rejects(model.run([a, a], 1), /released|exited/);
  });
});

describe('release', () => {
  it('lets runs already in flight finish first', async () => {
    const model = await backend.loadModel(loadFixture('slow_matmul', 'make_slow').model, CPU);
    const running = model.run([Tensor.zeros('FLOAT', [64, 1024])], 1);
    const released = model.release();
    const [out] = await running;
    assert.deepEqual(out!.shape, [64, 1024]);
    await released;
    await assert.rejects(model.run([Tensor.zeros('FLOAT', [1, 1024])], 1), /released|exited/);
  });
});

describe('outputs modelkv tensors cannot hold', () => {
  it('a float16 output fails the run with an error naming the output and its type', async () => {
    const model = await backend.loadModel(modelBytes('float16_output.onnx', 'make_float16'), CPU);
    try {
      assert.deepEqual(model.outputNames, ['same', 'half']);
      await assert.rejects(model.run([Tensor.fromArray('FLOAT', [3], [1, 2, 3])], 2), /model output 'half' has type float16/);
    } finally {
      await model.release();
    }
  });
});
