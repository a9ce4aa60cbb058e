import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine, Tensor } from '@modelkv/core';
import { readManifest } from '../src/aof-manifest.js';
import { checkAof } from '../src/check-aof.js';
import type { Persistence } from '../src/persistence.js';
import { assertSameData, engineWithBackend, everyDtype, open, recordingLogger, tempDir } from './helpers.js';

const AOF = { appendonly: true, appendfsync: 'always' } as const;

async function durable(p: Persistence): Promise<void> {
  const point = p.durabilityPoint();
  assert.ok(point > 0, 'a write leaves something to make durable');
  await new Promise<void>((resolve) => {
    p.whenDurable(point, resolve);
  });
  assert.ok(p.durable >= point);
}

/** Writes a bit of everything, as commands would, to the engine of `p`. */
async function writeEverything(engine: Engine, p: Persistence): Promise<void> {
  for (const [k, t] of everyDtype()) engine.tensorSet(k, t);
  await engine.modelSet('model', { backend: 'TORCH', device: 'CPU', blob: Buffer.from('2') });
  await engine.scriptSet('script', { device: 'CPU', source: 'def f(a):\n    return a\n' });
  await engine.modelSet('batched', {
    backend: 'TORCH',
    device: 'CPU',
    tag: 'v1.2 ünï',
    batching: { batchSize: 8, minBatchSize: 2, minBatchTimeoutMs: 50 },
    blob: Buffer.from('4'),
  });
  await engine.scriptSet('entries', {
    device: 'CPU',
    tag: 'ep',
    entryPoints: ['g', 'h'],
    source: 'def g(t, k, a):\n    pass\ndef h(t, k, a):\n    pass\n',
  });
  await engine.scriptSet('tagged', { device: 'CPU', tag: 'only a tag', source: 'def f(a):\n    return a\n' });
  engine.tensorSet('gone', Tensor.zeros('INT8', [1]));
  engine.delete('gone');
  engine.tensorSet('x', Tensor.fromValues('FLOAT', [2], ['1', '2']));
  await engine.modelRun('model', ['x'], ['y']);
  await durable(p);
}

function incrFiles(dir: string): string[] {
  return readdirSync(join(dir, 'appendonlydir'))
    .filter((f) => f.endsWith('.incr.aof'))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
}

test('every change reaches the append-only file and comes back on restart, exactly', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir, AOF);
    await writeEverything(engine, p);
    await p.close();
    const back = await open(dir, AOF);
    assertSameData(back.engine, engine);
    await back.engine.modelRun('model', ['x'], ['z']);
    assert.deepEqual(back.engine.tensorGet('z').values(), [3, 4]);
    // The batched model keeps its batching (its lone run waits MINBATCHTIMEOUT, then runs alone).
    await back.engine.modelRun('batched', ['x'], ['w']);
    assert.deepEqual(back.engine.tensorGet('w').values(), [5, 6]);
    const text = readFileSync(join(dir, 'appendonlydir', incrFiles(dir)[0]!), 'latin1');
    assert.ok(text.includes('MINBATCHTIMEOUT') && text.includes('ENTRY_POINTS'), 'the 1.2 settings are in the file');
    await back.p.close();
  } finally {
    remove();
  }
});

test('a file cut inside its last command loads what is complete, logs it and cuts the rest off', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir, AOF);
    engine.tensorSet('a', Tensor.fromValues('INT32', [1], ['1']));
    engine.tensorSet('b', Tensor.fromValues('INT32', [1], ['2']));
    await durable(p);
    await p.close();
    const file = join(dir, 'appendonlydir', incrFiles(dir).at(-1)!);
    const size = statSync(file).size;
    truncateSync(file, size - 3);
    await assert.rejects(
      open(dir, { ...AOF, aofLoadTruncated: false }),
      /Unexpected end of file reading the append only file .*aof-load-truncated/,
    );
    const logger = recordingLogger();
    const back = await open(dir, AOF, logger);
    assert.deepEqual(back.engine.keys(), ['a']);
    assert.ok(logger.lines.some((l) => l.includes('AOF loaded anyway because aof-load-truncated is enabled')));
    back.engine.tensorSet('c', Tensor.fromValues('INT32', [1], ['3']));
    await durable(back.p);
    await back.p.close();
    const again = await open(dir, AOF);
    assert.deepEqual(again.engine.keys().sort(), ['a', 'c']);
    await again.p.close();
  } finally {
    remove();
  }
});

test('a transaction cut off at the end of the file is dropped whole', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir, AOF);
    engine.tensorSet('before', Tensor.fromValues('INT32', [1], ['1']));
    engine.keyspace.beginGroup();
    engine.tensorSet('t1', Tensor.fromValues('INT32', [1], ['2']));
    engine.tensorSet('t2', Tensor.fromValues('INT32', [1], ['3']));
    engine.keyspace.endGroup();
    await durable(p);
    await p.close();
    const file = join(dir, 'appendonlydir', incrFiles(dir).at(-1)!);
    const text = readFileSync(file);
    // Cut right after the second command of the transaction: MULTI and both sets are there, EXEC is not.
    truncateSync(file, text.lastIndexOf('*1\r\n$4\r\nEXEC'));
    const back = await open(dir, AOF);
    assert.deepEqual(back.engine.keys(), ['before']);
    await back.p.close();
  } finally {
    remove();
  }
});

test('damage inside the file refuses it, naming the offset; modelkv-check-aof finds the same', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir, AOF);
    for (let i = 0; i < 5; i++) engine.tensorSet(`k${i}`, Tensor.fromValues('INT32', [1], [String(i)]));
    await durable(p);
    await p.close();
    const file = join(dir, 'appendonlydir', incrFiles(dir).at(-1)!);
    const bytes = readFileSync(file);
    const at = bytes.indexOf('*6', 10);
    bytes.write('?', at, 'latin1');
    writeFileSync(file, bytes);
    await assert.rejects(
      open(dir, AOF),
      new RegExp(`Bad file format reading the append only file .* at offset ${at}: expected '\\*', found '\\?'`),
    );
    const check = await checkAof(file);
    assert.equal(check.okUpTo, at);
    assert.equal(check.truncatedTail, false);
    assert.match(check.problem ?? '', new RegExp(`at offset ${at}`));
  } finally {
    remove();
  }
});

for (const preamble of [true, false]) {
  test(`BGREWRITEAOF (${preamble ? 'snapshot' : 'command'} base) while writes go on keeps every write`, async () => {
    const { dir, remove } = tempDir();
    try {
      const { engine, p } = await open(dir, { ...AOF, aofUseRdbPreamble: preamble });
      await writeEverything(engine, p);
      assert.equal(p.bgrewriteaof(), 'Background append only file rewriting started');
      assert.throws(() => p.bgrewriteaof(), /rewriting already in progress/);
      for (let i = 0; i < 50; i++) engine.tensorSet(`during${i}`, Tensor.fromValues('INT32', [1], [String(i)]));
      engine.delete('t:FLOAT');
      await p.rewriteDone();
      engine.tensorSet('after', Tensor.fromValues('INT32', [1], ['7']));
      await durable(p);
      const manifest = await readManifest(join(dir, 'appendonlydir'), 'appendonly.aof');
      assert.ok(manifest?.base?.name.endsWith(preamble ? '.base.rdb' : '.base.aof') === true);
      assert.equal(manifest.incrs.length, 1);
      assert.deepEqual(
        readdirSync(join(dir, 'appendonlydir')).sort(),
        [manifest.base.name, manifest.incrs[0]!.name, 'appendonly.aof.manifest'].sort(),
      );
      await p.close();
      const back = await open(dir, AOF);
      assertSameData(back.engine, engine);
      await back.p.close();
    } finally {
      remove();
    }
  });
}

test('CONFIG SET appendonly yes writes the keyspace out and keeps appending', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir);
    for (const [k, t] of everyDtype()) engine.tensorSet(k, t);
    p.settings.appendonly = true;
    await p.configure(['appendonly']);
    engine.tensorSet('during', Tensor.fromValues('INT32', [1], ['1']));
    await p.rewriteDone();
    engine.tensorSet('after', Tensor.fromValues('INT32', [1], ['2']));
    await durable(p);
    await p.close();
    const back = await open(dir, AOF);
    assertSameData(back.engine, engine);
    await back.p.close();
  } finally {
    remove();
  }
});

test('appendonly yes without a file starts empty even when a snapshot exists, as Redis does', async () => {
  const { dir, remove } = tempDir();
  try {
    const first = await open(dir);
    first.engine.tensorSet('a', Tensor.fromValues('INT32', [1], ['1']));
    await first.p.save();
    await first.p.close();
    const second = await open(dir, AOF);
    assert.equal(second.engine.dbsize, 0);
    await second.p.close();
  } finally {
    remove();
  }
});

test('a model whose backend is missing refuses the start, or is kept when asked to', async () => {
  const { dir, remove } = tempDir();
  try {
    const { engine, p } = await open(dir, AOF);
    await engine.modelSet('m', { backend: 'TORCH', device: 'CPU', blob: Buffer.from('1') });
    await durable(p);
    await p.close();
    const { Persistence } = await import('../src/persistence.js');
    const { settings } = await import('./helpers.js');
    const bare = new Engine();
    await assert.rejects(new Persistence(bare, settings(dir, AOF)).start(), /key 'm' holds a TORCH model but backend TORCH is not loaded/);
    const kept = new Engine();
    const p2 = new Persistence(kept, settings(dir, { ...AOF, keepModelsWithoutBackend: true }));
    await p2.start();
    assert.equal(kept.modelGet('m').blob.toString(), '1');
    const withBackend = await engineWithBackend();
    assert.ok(withBackend);
    await p2.close();
  } finally {
    remove();
  }
});
