import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Device, Tensor } from '@modelkv/core';
import { loadAddon } from '../src/addon.js';
import { TfBackend } from '../src/backend.js';
import { graphOps } from '../src/graph-ops.js';
import { ALLOWED_OPS, REFUSED_OPS } from '../src/op-list.js';
import { checkGraphDef, opListNames } from '../src/op-policy.js';
import { DTYPE_FIXTURES, MODELS, ensureModels } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };
const addon = await loadAddon();
const policy = new TfBackend(addon);
policy.init({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false });
const trusting = new TfBackend(addon);
trusting.init({ intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: true });

const dir = mkdtempSync(join(tmpdir(), 'modelkv-tf-safe-ops-'));
const secret = join(dir, 'secret.txt');
const target = join(dir, 'written.txt');
const str = (s: string): Tensor => Tensor.fromBlob('STRING', [], Buffer.from(`${s}\0`));

interface Unsafe {
  readonly model: string;
  readonly inputs: string[];
  readonly outputs: string[];
}
let unsafe: Record<string, Unsafe>;
const blob = (name: string): Buffer => readFileSync(join(MODELS, `${name}.pb`));
const load = (backend: TfBackend, name: string) =>
  backend.loadModel(blob(name), { device: CPU, inputs: unsafe[name]!.inputs, outputs: unsafe[name]!.outputs });

before(() => {
  ensureModels();
  unsafe = (JSON.parse(readFileSync(join(MODELS, 'unsafe.json'), 'utf8')) as { models: Record<string, Unsafe> }).models;
  writeFileSync(secret, 'top secret');
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('graphs that reach files are refused before libtensorflow imports them', () => {
  test('ReadFile and WriteFile nodes, naming the op and the node', async () => {
    await assert.rejects(load(policy, 'unsafe_read_file'), {
      message:
        "op 'ReadFile' (node 'contents') is not allowed: it reads or writes files; set --allow-unsafe-ops yes to load trusted models",
    });
    await assert.rejects(load(policy, 'unsafe_write_file'), /op 'WriteFile' \(node 'write'\) is not allowed/);
  });

  test('a ReadFile inside a function of the library, called by an If node', async () => {
    await assert.rejects(
      load(policy, 'unsafe_read_in_function'),
      /op 'ReadFile' \(node 'cond\/ReadFile' of function 'cond_true_\d+'\) is not allowed/,
    );
  });

  test('an op named only by a function attribute, and an op field given twice (protobuf keeps the last)', () => {
    const field = (n: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([(n << 3) | 2, body.length]), body]);
    const text = (n: number, s: string): Buffer => field(n, Buffer.from(s));
    // node { name: "call" op: "PartitionedCall" attr { key: "f" value { func { name: "ReadFile" } } } }
    const call = field(
      1,
      Buffer.concat([
        text(1, 'call'),
        text(2, 'PartitionedCall'),
        field(5, Buffer.concat([text(1, 'f'), field(2, field(10, text(1, 'ReadFile')))])),
      ]),
    );
    assert.throws(() => {
      checkGraphDef(call);
    }, /op 'ReadFile' \(called by node 'call'\) is not allowed/);
    const twice = field(1, Buffer.concat([text(1, 'n'), text(2, 'Const'), text(2, 'WriteFile')]));
    assert.throws(() => {
      checkGraphDef(twice);
    }, /op 'WriteFile' \(node 'n'\) is not allowed/);
    assert.throws(() => {
      checkGraphDef(field(1, Buffer.concat([text(1, 'x'), text(2, 'NoSuchOp')])));
    }, /op 'NoSuchOp' \(node 'x'\) is not allowed: it is not an op of the TensorFlow this server runs/);
  });

  test('the fixture graphs of every other test pass', () => {
    for (const name of ['mul', 'affine', 'cnn', ...DTYPE_FIXTURES.map((d) => d.name)]) checkGraphDef(blob(name));
    assert.ok(graphOps(blob('cnn')).uses.some((u) => u.op === 'Conv2D'));
  });
});

describe('with unsafe ops allowed', () => {
  test('the same graphs load, and really read and write those files', async () => {
    const reader = await load(trusting, 'unsafe_read_file');
    const [contents] = await reader.run([str(secret)], 1);
    assert.equal(contents!.data.toString(), 'top secret\0');
    const inFunction = await load(trusting, 'unsafe_read_in_function');
    const [again] = await inFunction.run([str(secret)], 1);
    assert.equal(again!.data.toString(), 'top secret\0');
    const writer = await load(trusting, 'unsafe_write_file');
    assert.ok(!existsSync(target));
    await writer.run([str(target), str('written by a graph')], 1);
    assert.equal(readFileSync(target, 'utf8'), 'written by a graph');
    await Promise.all([reader.release(), inFunction.release(), writer.release()]);
  });
});

test('every op the loaded libtensorflow registers is classified by the generated lists', () => {
  const names = opListNames(addon.registeredOps());
  assert.ok(names.length > 1000);
  assert.deepEqual(
    names.filter((n) => !ALLOWED_OPS.has(n) && !REFUSED_OPS.has(n)),
    [],
  );
  assert.deepEqual(
    [...ALLOWED_OPS].filter((n) => REFUSED_OPS.has(n)),
    [],
  );
  for (const op of [
    'ReadFile',
    'WriteFile',
    'MatchingFiles',
    'SaveV2',
    'RestoreV2',
    'MergeV2Checkpoints',
    'PyFunc',
    'EagerPyFunc',
    'ImmutableConst',
    'PrintV2',
    'TFRecordReaderV2',
    'WriteSummary',
    'DebugIdentityV2',
  ]) {
    assert.ok(REFUSED_OPS.has(op), op);
  }
  for (const op of ['MatMul', 'Conv2D', 'While', 'StatelessIf', 'PartitionedCall', 'RandomUniform', 'RegexReplace', 'TensorListPushBack'])
    assert.ok(ALLOWED_OPS.has(op), op);
});
