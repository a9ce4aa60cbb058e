import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { type BackendConfig, type Device, Tensor } from '@modelkv/core';
import { addon } from '../src/addon.js';
import { backend } from '../src/index.js';
import { reviewRegistry } from '../src/op-review.js';
import { MODELS, ensureFixtures } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };
const POLICY: BackendConfig = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
const TRUSTING: BackendConfig = { ...POLICY, allowUnsafeOps: true };
const dir = mkdtempSync(join(tmpdir(), 'modelkv-torch-safe-ops-'));
const secret = join(dir, 'secret.txt');
const target = join(dir, 'written.bin');
writeFileSync(secret, 'top secret');

const READ = `def readfile(a):\n    return torch.from_file(${JSON.stringify(secret)}, size=10, dtype=a.dtype)\n`;
const WRITE =
  `def writefile(a):\n    t = torch.from_file(${JSON.stringify(target)}, shared=True, size=4, dtype=a.dtype)\n` +
  '    t.copy_(a)\n    return t\n';
const PRINT = 'def p(a):\n    print(a)\n    return a\n';
const bytes = (s: string): Tensor => Tensor.fromBlob('UINT8', [s.length], Buffer.from(s));

function compile(source: string): ReturnType<NonNullable<typeof backend.compileScript>> {
  assert.ok(backend.compileScript !== undefined);
  return backend.compileScript(source, { device: CPU });
}

function model(file: string): Buffer {
  ensureFixtures();
  return readFileSync(join(MODELS, file));
}

const setstatePath = (): string => (JSON.parse(model('unsafe.json').toString()) as { setstate_path: string }).setstate_path;

afterEach(async () => {
  await backend.init?.(POLICY);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(setstatePath(), { force: true });
});

describe('scripts', () => {
  test('torch.from_file reading or writing a file is refused at compile time, naming the op and the function', async () => {
    await assert.rejects(compile(READ), {
      message:
        "op 'aten::from_file' (in function 'readfile') is not allowed: it maps a file into a tensor, which reads the file " +
        '(and with shared=True writes it); set --allow-unsafe-ops yes to load trusted models',
    });
    await assert.rejects(compile(WRITE), /op 'aten::from_file' \(in function 'writefile'\) is not allowed/);
    await assert.rejects(compile(PRINT), /op 'prim::Print' \(in function 'p'\) is not allowed: it writes to the server's standard output/);
    assert.ok(!existsSync(target));
  });

  test('a refused op in a function the entry point calls is found too', async () => {
    const source = `${WRITE}\ndef entry(a):\n    return writefile(a) + 1\n`;
    await assert.rejects(compile(source), /op 'aten::from_file' \(in function 'writefile'\)/);
  });

  test('with unsafe ops allowed the same scripts compile, and really read and write those files', async () => {
    await backend.init?.(TRUSTING);
    const reader = await compile(READ);
    const [read] = await reader.run('readfile', [bytes('')], 1);
    assert.equal(read!.data.toString(), 'top secret');
    const writer = await compile(WRITE);
    await writer.run('writefile', [bytes('AbCd')], 1);
    assert.equal(readFileSync(target, 'utf8'), 'AbCd');
    await Promise.all([reader.release(), writer.release()]);
    rmSync(target);
  });
});

describe('models', () => {
  test("from_file in a model's forward is refused at load time", async () => {
    await assert.rejects(
      backend.loadModel(model('unsafe_read_model.pt'), { device: CPU, inputs: [], outputs: [] }),
      /op 'aten::from_file' \(in function '__torch__\.ReadModel\.forward'\) is not allowed/,
    );
  });

  test('a model whose __setstate__ writes a file is refused before loading runs it: no file', async () => {
    const path = setstatePath();
    rmSync(path, { force: true });
    await assert.rejects(
      backend.loadModel(model('unsafe_setstate_model.pt'), { device: CPU, inputs: [], outputs: [] }),
      /op 'aten::from_file' \(in function '__torch__\.SetStateModel\.__setstate__'\) is not allowed/,
    );
    assert.ok(!existsSync(path), 'the refused model wrote a file');
    // What the check prevents: with unsafe ops allowed, merely loading it writes the file.
    await backend.init?.(TRUSTING);
    const loaded = await backend.loadModel(model('unsafe_setstate_model.pt'), { device: CPU, inputs: [], outputs: [] });
    assert.equal(readFileSync(path, 'utf8'), 'AAAA');
    await loaded.release();
  });

  test('what the inspection reports for a plain model: aten and prim operators only', async () => {
    const ops = await addon.inspectModel(model('addtwo.pt'));
    assert.ok(ops.some((u) => u.op === 'aten::add' && u.function === '__torch__.AddTwo.forward'));
    assert.ok(ops.every((u) => u.op.startsWith('aten::') || u.op.startsWith('prim::')));
  });
});

test("every operator, node kind, namespace and custom class libtorch registers is classified by the policy's lists", () => {
  const review = reviewRegistry(addon.registry());
  assert.deepEqual(review.unclassified, []);
  const refused = new Map(review.refused);
  for (const op of ['aten::from_file', 'aten::save', 'prim::PythonOp', 'prim::Print', 'c10d::broadcast_']) assert.ok(refused.has(op), op);
  assert.ok(!refused.has('aten::add') && !refused.has('prim::If') && !refused.has('quantized::linear'));
  assert.ok(review.atenWithStrings.includes('aten::from_file') && review.atenWithStrings.includes('aten::save'));
});
