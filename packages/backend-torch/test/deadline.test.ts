// Run deadlines (RunOptions.timeoutMs): a run that never returns ends at its next loop
// iteration past its deadline, its pool thread free again. Only the outcome is asserted, never
// how long it took.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Device, type ModelHandle, Tensor } from '@modelkv/core';
import { addon } from '../src/addon.js';
import { backend } from '../src/index.js';
import { MODELS, artifact, ensureFixtures, manifest } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };
const a = Tensor.fromArray('FLOAT', [2], [1, 2]);
const TIMED_OUT = /^RuntimeError: the run timed out after 200 ms$/;

function loadModel(file: string): Promise<ModelHandle> {
  ensureFixtures();
  return backend.loadModel(readFileSync(join(MODELS, file)), { device: CPU, inputs: [], outputs: [] });
}

test('a script looping forever ends with "timed out"; the script and its thread serve the next run', async () => {
  assert.ok(backend.compileScript !== undefined);
  const script = await backend.compileScript(artifact(manifest('spin')).toString('utf8'), { device: CPU });
  await assert.rejects(script.run('spin', [a], 1, { timeoutMs: 200 }), (err: Error) => TIMED_OUT.test(err.message));
  assert.equal(addon.busyThreads(), 0);
  const [sum] = await script.run('addtwo', [a, a], 1, { timeoutMs: 60_000 });
  assert.deepEqual(sum!.values(), [2, 4]);
  await script.release();
});

test('a model whose submodule loops forever (the check reaches inlined code)', async () => {
  const model = await loadModel('spin_model.pt');
  await assert.rejects(model.run([a], 1, { timeoutMs: 200 }), (err: Error) => TIMED_OUT.test(err.message));
  assert.equal(addon.busyThreads(), 0);
  await model.release();
});

test('a model that forks the endless loop and waits for it: the deadline reaches the forked task', async () => {
  const model = await loadModel('spin_fork_model.pt');
  await assert.rejects(model.run([a], 1, { timeoutMs: 200 }), (err: Error) => TIMED_OUT.test(err.message));
  await model.release();
});

test('runs that finish are not touched by a deadline, with or without one', async () => {
  const m = manifest('functions');
  assert.ok(backend.compileScript !== undefined);
  const script = await backend.compileScript(artifact(m).toString('utf8'), { device: CPU });
  for (const c of m.cases) {
    const bounded = await script.run(c.function!, c.inputs, c.outputs.length, { timeoutMs: 60_000 });
    const unbounded = await script.run(c.function!, c.inputs, c.outputs.length);
    bounded.forEach((t, i) => {
      assert.ok(t.data.equals(unbounded[i]!.data), `${c.function} output ${i}`);
    });
  }
  await script.release();
});
