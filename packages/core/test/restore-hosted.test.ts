import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeferredModelHandle } from '../src/deferred-handle.js';
import { Engine } from '../src/engine.js';
import { HostedBackend } from '../src/host/hosted-backend.js';
import { HostedModel } from '../src/host/hosted-handles.js';
import type { RunRecord } from '../src/observer.js';
import { Tensor } from '../src/tensor.js';

const BACKEND = fileURLToPath(new URL('../../test/fixtures/crashy-backend.mjs', import.meta.url));
const engines: Engine[] = [];

after(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

const record = (blob: string) =>
  ({ kind: 'model', model: { backend: 'TF', device: 'CPU', inputs: ['x'], outputs: ['y'], blob: Buffer.from(blob) } }) as const;

function input(e: Engine, key: string, ...bytes: number[]): void {
  e.tensorSet(key, Tensor.fromBlob('UINT8', [bytes.length], Buffer.from(bytes)));
}

test('models restored from disk load into the backend process, kept ones once it is loaded, and run there', async () => {
  const e = new Engine({ modelExecutionTimeoutMs: 0 });
  engines.push(e);
  const runs: RunRecord[] = [];
  e.observe({ runFinished: (r) => runs.push(r) });

  // Restored before the backend is loaded: kept, answering ERR.
  await e.restore('kept', record('echo'), { keepWithoutBackend: true });
  input(e, 'x', 0, 7);
  await assert.rejects(e.modelRun('kept', ['x'], ['y']), /model was restored but backend TF is not loaded/);

  const loaded = await e.loadBackend('TF', BACKEND);
  assert.ok(loaded.backend instanceof HostedBackend);
  const kept = e.keyspace.get('kept');
  assert.ok(kept?.kind === 'model' && kept.handle instanceof DeferredModelHandle);
  assert.ok(kept.handle.current instanceof HostedModel, 'the kept model is loaded into the backend process');

  await e.restore('m', record('echo'));
  const m = e.keyspace.get('m');
  assert.ok(m?.kind === 'model' && m.handle instanceof HostedModel);

  await e.modelRun('kept', ['x'], ['y']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 7]);
  await e.modelRun('m', ['x'], ['z']);
  assert.deepEqual(e.tensorGet('z').values(), [0, 7]);
  assert.deepEqual(
    runs.map((r) => [r.key, r.failed]),
    [
      ['kept', false],
      ['m', false],
    ],
  );

  // A crash of the process: both are loaded into the new one and run again.
  input(e, 'boom', 1);
  await assert.rejects(e.modelRun('kept', ['boom'], ['y']), /TF backend process died \(SIGSEGV\) while running the model/);
  input(e, 'x', 0, 9);
  await e.modelRun('kept', ['x'], ['y']);
  await e.modelRun('m', ['x'], ['z']);
  assert.deepEqual(e.tensorGet('y').values(), [0, 9]);
  assert.deepEqual(e.tensorGet('z').values(), [0, 9]);
  assert.equal(e.info('kept').errors, 1);
});

test('a model or script leaving the store is told to observers, whatever removes it', async () => {
  const e = new Engine({ modelExecutionTimeoutMs: 0 });
  engines.push(e);
  await e.loadBackend('TF', BACKEND);
  const removed: string[] = [];
  e.observe({ removed: (kind, key) => removed.push(`${kind} ${key}`) });
  await e.restore('a', record('echo'));
  await e.restore('b', record('echo'));
  await e.restore('a', record('echo'));
  e.keyspace.delete('b');
  e.tensorSet('t', Tensor.fromBlob('UINT8', [1], Buffer.from([1])));
  e.flush();
  assert.deepEqual(removed, ['model a', 'model b', 'model a']);
  assert.deepEqual(e.tensorMemory(), { count: 0, bytes: 0 });
});
