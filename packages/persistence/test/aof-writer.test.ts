import assert from 'node:assert/strict';
import { open as openFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AofWriter } from '../src/aof-writer.js';
import { tempDir } from './helpers.js';

test('what is appended while a rotated-out file is being synced becomes durable too', async () => {
  const { dir, remove } = tempDir();
  const writer = await AofWriter.open(join(dir, 'a.aof'), 'no');
  writer.append(['SET', 'a', '1']);
  writer.rotate(await openFile(join(dir, 'b.aof'), 'a'));
  // The writer's first await is the old file's sync; this append lands while it runs.
  setImmediate(() => {
    setImmediate(() => {
      writer.append(['SET', 'b', '2']);
    });
  });
  await new Promise((r) => setTimeout(r, 50));
  const point = writer.appended;
  assert.ok(point > 0);
  const done = await Promise.race([
    new Promise<boolean>((resolve) => {
      writer.whenDurable(point, () => {
        resolve(true);
      });
    }),
    new Promise<boolean>((resolve) =>
      setTimeout(() => {
        resolve(false);
      }, 5_000),
    ),
  ]);
  assert.equal(done, true, `durable ${writer.durable} of ${point} appended, with nothing left to write`);
  assert.equal(writer.durable, point);
  await writer.close();
  assert.equal(readFileSync(join(dir, 'a.aof'), 'latin1'), '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
  assert.equal(readFileSync(join(dir, 'b.aof'), 'latin1'), '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n');
  remove();
});
