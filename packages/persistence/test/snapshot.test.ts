import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '@modelkv/core';
import { LoadError, loadSnapshot } from '../src/loader.js';
import { assertSameData, engineWithBackend, everyDtype, open, recordingLogger, settings, tempDir } from './helpers.js';
import { Persistence } from '../src/persistence.js';

async function filled(): Promise<Engine> {
  const engine = await engineWithBackend();
  for (const [k, t] of everyDtype()) engine.tensorSet(k, t);
  await engine.modelSet('model', { backend: 'TORCH', device: 'CPU', blob: Buffer.from('5') });
  await engine.scriptSet('script', { device: 'cpu', source: 'def neg(a):\n    return -a\n' });
  await engine.modelSet('batched', {
    backend: 'TORCH',
    device: 'CPU',
    tag: 'v1.2',
    batching: { batchSize: 4, minBatchSize: 0, minBatchTimeoutMs: 0 },
    blob: Buffer.from('1'),
  });
  await engine.scriptSet('entries', { device: 'CPU', tag: 'ep', entryPoints: ['g'], source: 'def g(t, k, a):\n    pass\n' });
  return engine;
}

const target = (engine: Engine) => ({
  engine,
  restore: {},
  logger: recordingLogger(),
  progress: { totalBytes: 0, loadedBytes: 0, keys: 0 },
});

test('SAVE and a restart bring back every dtype, models and scripts, exactly', async () => {
  const { dir, remove } = tempDir();
  try {
    const engine = await filled();
    const p = new Persistence(engine, settings(dir));
    await p.start();
    await p.save();
    assert.equal(p.dirty, 0);
    await p.close();
    const back = await open(dir);
    assertSameData(back.engine, engine);
    back.engine.tensorSet('x', everyDtype()[0]![1]);
    await back.engine.modelRun('model', ['t:FLOAT'], ['y']);
    assert.deepEqual(back.engine.tensorGet('y').values(), [6, 7, 8, 9, 10, 11]);
    await back.p.close();
  } finally {
    remove();
  }
});

test('BGSAVE writes the keyspace as it was when it started, while writes go on', async () => {
  const { dir, remove } = tempDir();
  try {
    const engine = await filled();
    const before = await filled();
    const p = new Persistence(engine, settings(dir));
    await p.start();
    assert.equal(p.bgsave(), 'Background saving started');
    assert.throws(() => p.bgsave(), /Background save already in progress/);
    engine.delete('t:FLOAT');
    engine.tensorSet('t:INT8', everyDtype()[1]![1]);
    engine.tensorSet('late', everyDtype()[2]![1]);
    await p.bgsaveDone();
    assert.equal(p.lastBgsaveStatus, 'ok');
    assert.equal(p.dirty, 3, 'changes made during the save still count');
    await p.close();
    const back = await engineWithBackend();
    await loadSnapshot(join(dir, 'dump.rdb'), target(back));
    assertSameData(back, before);
  } finally {
    remove();
  }
});

test('damage anywhere in a snapshot refuses it, naming the key or offset', async () => {
  const { dir, remove } = tempDir();
  try {
    const engine = await filled();
    const p = new Persistence(engine, settings(dir));
    await p.start();
    await p.save();
    await p.close();
    const file = join(dir, 'dump.rdb');
    const good = readFileSync(file);
    const flip = (at: number): Buffer => {
      const b = Buffer.from(good);
      b[at] = b[at]! ^ 0x01;
      return b;
    };
    // A byte of the big tensor's data: its record's checksum no longer matches.
    const at = good.indexOf(Buffer.alloc(64, 7)) + 10;
    writeFileSync(file, flip(at));
    await assert.rejects(loadSnapshot(file, target(await engineWithBackend())), (err: unknown) => {
      assert.ok(err instanceof LoadError);
      assert.match(err.message, /checksum mismatch in the record of key 't:big' \(at offset \d+\)/);
      return true;
    });
    writeFileSync(file, flip(3));
    await assert.rejects(loadSnapshot(file, target(await engineWithBackend())), /bad magic/);
    writeFileSync(file, flip(good.length - 2));
    await assert.rejects(loadSnapshot(file, target(await engineWithBackend())), /file checksum mismatch/);
    writeFileSync(file, good.subarray(0, good.length - 100));
    await assert.rejects(loadSnapshot(file, target(await engineWithBackend())), /cut short/);
    // A server refuses to start on it, naming the file.
    const refused = new Persistence(await engineWithBackend(), settings(dir));
    await assert.rejects(refused.start(), /dump\.rdb/);
  } finally {
    remove();
  }
});

test('FLUSHALL with save points leaves an empty snapshot; DEBUG RELOAD loads back what was saved', async () => {
  const { dir, remove } = tempDir();
  try {
    const engine = await filled();
    const p = new Persistence(engine, settings(dir, { save: [{ seconds: 3600, changes: 1 }] }));
    await p.start();
    const copy = await filled();
    await p.debugReload({ save: true, flush: true });
    assertSameData(engine, copy);
    engine.flush();
    await p.flushAll();
    await p.close();
    const back = await open(dir);
    assert.equal(back.engine.dbsize, 0);
    await back.p.close();
  } finally {
    remove();
  }
});
