// Run deadlines (RunOptions.timeoutMs) through RunOptions.timeout_in_ms: TensorFlow cancels the
// run, and the run rejects with "timed out". Only the outcome is asserted, never how long it took.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { type Device, Tensor } from '@modelkv/core';
import { backend } from '../src/index.js';
import { MODELS, ensureModels, loadFixture } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };

before(() => {
  ensureModels();
});

test('a functional While that never ends (a frozen tf.function) is cancelled at its deadline', async () => {
  const models = (
    JSON.parse(readFileSync(join(MODELS, 'runaway.json'), 'utf8')) as { models: Record<string, { inputs: string[]; outputs: string[] }> }
  ).models;
  const { inputs, outputs } = models.runaway_while_v2!;
  const model = await backend.loadModel(readFileSync(join(MODELS, 'runaway_while_v2.pb')), { device: CPU, inputs, outputs });
  await assert.rejects(model.run([Tensor.fromArray('FLOAT', [], [1])], 1, { timeoutMs: 200 }), /^Error: the run timed out after 200 ms$/);
  await model.release();
});

test('a run that finishes is not touched by its deadline', async () => {
  const f = loadFixture('cnn');
  const model = await backend.loadModel(f.blob, { device: CPU, inputs: ['x'], outputs: ['Identity', 'Identity_1'] });
  const [bounded] = await model.run([f.inputs[0]!.tensor], 2, { timeoutMs: 60_000 });
  const [unbounded] = await model.run([f.inputs[0]!.tensor], 2);
  assert.ok(bounded!.data.equals(unbounded!.data));
  await model.release();
});
