import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { type Device, Engine, type ModelHandle, Tensor } from '@modelkv/core';
import { backend } from '../src/index.js';
import { artifact, assertClose, manifest } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };

function load(name: string): Promise<ModelHandle> {
  return backend.loadModel(artifact(manifest(name)), { device: CPU, inputs: [], outputs: [] });
}

for (const name of ['addtwo', 'tuple3', 'listout']) {
  test(`${name}: outputs match Python torch's, in order`, async () => {
    const m = manifest(name);
    const model = await load(name);
    for (const [i, c] of m.cases.entries()) {
      const outputs = await model.run(c.inputs, c.outputs.length);
      assert.equal(outputs.length, c.outputs.length);
      outputs.forEach((o, j) => {
        assert.ok(o, `case ${i} output ${j} is a tensor`);
        assertClose(o, c.outputs[j]!, 1e-6, 1e-7, `case ${i} output ${j}`);
      });
    }
    await model.release();
  });
}

test('forward argument names are reported, so the engine checks input counts', async () => {
  const model = await load('addtwo');
  assert.deepEqual(model.inputNames, manifest('addtwo').input_names);
  await model.release();
});

test('ResNet-18 (traced, random weights) matches Python torch', async () => {
  const [c] = manifest('resnet18').cases;
  const model = await load('resnet18');
  const [logits] = await model.run(c!.inputs, 1);
  assertClose(logits!, c!.outputs[0]!, 1e-3, 1e-4, 'logits');
  await model.release();
});

test('a model writing into its input leaves the stored tensor unchanged', async () => {
  const [c] = manifest('inplace').cases;
  const input = c!.inputs[0]!;
  const before = Buffer.from(input.data);
  const model = await load('inplace');
  const [out] = await model.run([input], 1);
  assertClose(out!, c!.outputs[0]!);
  assert.deepEqual(input.data, before);
});

test('an output dtype modelkv cannot hold is a clear error', async () => {
  const m = manifest('halfout');
  assert.equal(m.output_dtype, 'torch.float16');
  const model = await load('halfout');
  await assert.rejects(model.run(m.cases[0]!.inputs, 1), /output 0 has dtype Half, which modelkv tensors cannot hold/);
});

test('inputs without a libtorch dtype are refused: UINT16, STRING', async () => {
  const model = await load('addtwo');
  const u16 = Tensor.zeros('UINT16', [2, 3]);
  const str = Tensor.fromArray('STRING', [1], ['x']);
  await assert.rejects(model.run([u16, u16], 1), /UINT16 tensors are not supported by the TORCH backend/);
  await assert.rejects(model.run([str, str], 1), /STRING tensors are not supported/);
});

test("bad archives are errors with libtorch's reason, not crashes", async () => {
  const good = artifact(manifest('addtwo'));
  for (const blob of [
    randomBytes(4096),
    good.subarray(0, good.length >> 1),
    Buffer.concat([good.subarray(0, 100), randomBytes(good.length)]),
  ]) {
    await assert.rejects(backend.loadModel(blob, { device: CPU, inputs: [], outputs: [] }), /PytorchStreamReader|archive|zip/i);
  }
  // The backend still works afterwards.
  const model = await load('addtwo');
  const c = manifest('addtwo').cases[0]!;
  assertClose((await model.run(c.inputs, 1))[0]!, c.outputs[0]!);
});

test("wrong input counts and dtypes are rejected with libtorch's message", async () => {
  const c = manifest('addtwo').cases[0]!;
  const model = await load('addtwo');
  await assert.rejects(model.run([c.inputs[0]!], 1), /forward\(\) is missing value for argument 'b'/);
  await assert.rejects(model.run([...c.inputs, c.inputs[0]!], 1), /Expected at most 3 argument\(s\)|expected at most/i);
  await assert.rejects(model.run(c.inputs, 2), /model returned 1 tensor\(s\), but 2 OUTPUTS key\(s\) were given/);
  const image = Tensor.zeros('INT32', [1, 3, 224, 224]);
  const resnet = await load('resnet18');
  await assert.rejects(resnet.run([image], 1), /Int|type/);
});

test('a released model refuses runs', async () => {
  const c = manifest('addtwo').cases[0]!;
  const model = await load('addtwo');
  await model.release();
  await assert.rejects(model.run(c.inputs, 1), /released/);
});

test('concurrent runs on one model each get their own correct outputs', async () => {
  const m = manifest('addtwo');
  const model = await load('addtwo');
  const runs = Array.from({ length: 16 }, (_, i) => m.cases[i % m.cases.length]!);
  const results = await Promise.all(runs.map((c) => model.run(c.inputs, 1)));
  results.forEach((r, i) => {
    assertClose(r[0]!, runs[i]!.outputs[0]!);
  });
});

test('through the engine: MODELSET / MODELRUN store outputs under the keys in order', async () => {
  const engine = new Engine();
  await engine.registerBackend(backend);
  const m = manifest('tuple3');
  const c = m.cases[0]!;
  await engine.modelSet('m', { backend: 'TORCH', device: 'CPU', blob: artifact(m) });
  engine.tensorSet('a', c.inputs[0]!);
  engine.tensorSet('b', c.inputs[1]!);
  await engine.modelRun('m', ['a', 'b'], ['x', 'y', 'z']);
  ['x', 'y', 'z'].forEach((k, i) => {
    assertClose(engine.tensorGet(k), c.outputs[i]!);
  });
  await assert.rejects(engine.modelRun('m', ['a'], ['x', 'y', 'z']), /model expects 2 inputs, got 1/);
  await assert.rejects(engine.modelSet('bad', { backend: 'TORCH', device: 'CPU', blob: randomBytes(64) }), /PytorchStreamReader/);
  // The wrong input count failed in the queued run: a call and an error, as the reference counted it.
  assert.deepEqual([engine.info('m').calls, engine.info('m').errors], [2, 1]);
});
