import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MODELS, manifest } from './fixtures.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// A child process, because a run that never returns keeps its process alive until it exits.
const CHILD = `
import { readFileSync } from 'node:fs';
import { Tensor } from '@modelkv/core';
import { backend } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
import { addon } from ${JSON.stringify(new URL('../src/addon.js', import.meta.url).href)};
const [source, a, b] = JSON.parse(process.argv[1]);
const t = (x) => Tensor.fromBlob(x.dtype, x.shape, readFileSync(x.path));
const script = await backend.compileScript(readFileSync(source, 'utf8'), { device: { kind: 'CPU', index: 0 } });
script.run('spin', [t(a)], 1).then(() => console.log('spin returned'));
while (addon.busyThreads() < 1) await new Promise((r) => setTimeout(r, 10));
const [sum] = await script.run('addtwo', [t(a), t(b)], 1);
console.log(JSON.stringify({ busy: addon.busyThreads(), sum: [...sum.data] }));
process.on('SIGTERM', () => process.exit(7));
process.kill(process.pid, 'SIGTERM');
`;

test('a script that never returns holds one pool thread; other runs go on and the process can still exit', async () => {
  const m = manifest('spin');
  const c = m.cases[0]!;
  const input = (i: number) => ({ dtype: c.inputs[i]!.dtype, shape: c.inputs[i]!.shape, path: join(MODELS, `spin.case0.in${i}.bin`) });
  const args = JSON.stringify([join(MODELS, m.file), input(0), input(1)]);
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, args], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => {
      resolve([c, s]);
    }),
  );
  assert.deepEqual([code, signal], [7, null], 'the SIGTERM handler exited although a worker is still busy');
  const result = JSON.parse(out.trim().split('\n').pop()!) as { busy: number; sum: number[] };
  assert.equal(result.busy, 1);
  assert.deepEqual(Buffer.from(result.sum), c.outputs[0]!.data);
  assert.ok(!out.includes('spin returned'));
});
