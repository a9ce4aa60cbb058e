import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Device, Engine, type ScriptHandle, Tensor } from '@modelkv/core';
import { backend } from '../src/index.js';
import { TorchScript } from '../src/script.js';
import { artifact, assertClose, manifest } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };

function compile(source: string): Promise<ScriptHandle> {
  assert.ok(backend.compileScript !== undefined);
  return backend.compileScript(source, { device: CPU });
}

test('every function of a script matches Python torch on the same source', async () => {
  const m = manifest('functions');
  const script = await compile(artifact(m).toString('utf8'));
  assert.deepEqual([...(script.functionNames ?? [])].sort(), [...(m.functions as string[])].sort());
  for (const c of m.cases) {
    const outputs = await script.run(c.function!, c.inputs, c.outputs.length);
    outputs.forEach((o, i) => {
      assertClose(o, c.outputs[i]!, 1e-6, 1e-7, `${c.function} output ${i}`);
    });
  }
});

test("a compile error carries TorchScript's reason, line and column (as Python torch reports them)", async () => {
  const m = manifest('compile_error');
  const error = m.error as { reason: string; line: number; column: number };
  await assert.rejects(compile(artifact(m).toString('utf8')), (err: Error) => {
    assert.ok(err.message.includes(error.reason), err.message);
    assert.ok(err.message.includes(`line ${error.line}, column ${error.column}`), err.message);
    return true;
  });
});

test('unknown function, wrong input count, wrong output count and a non-tensor result are errors', async () => {
  const m = manifest('functions');
  const script = await compile(artifact(m).toString('utf8'));
  const [a, b] = m.cases[0]!.inputs;
  await assert.rejects(script.run('nope', [a!], 1), /function 'nope' is not defined in the script/);
  await assert.rejects(script.run('addtwo', [a!], 1), /addtwo\(\) is missing value for argument 'b'/);
  await assert.rejects(script.run('addtwo', [a!, b!, a!], 1), /Expected at most 2 argument\(s\)/);
  await assert.rejects(script.run('sum_and_diff', [a!, b!], 1), /returned 2 tensor\(s\), but 1 OUTPUTS key\(s\) were given/);
  await assert.rejects(script.run('count', [a!], 1), /returned a value of type Int, not a tensor/);
});

test('an exception raised inside a script is an error with its message; the script still runs', async () => {
  const m = manifest('raises');
  const error = m.error as { function: string; message: string };
  const script = await compile(artifact(m).toString('utf8'));
  const c = m.cases[0]!;
  await assert.rejects(script.run(error.function, c.inputs, 1), (err: Error) => err.message === error.message);
  assertClose((await script.run(c.function!, c.inputs, 1))[0]!, c.outputs[0]!);
});

test('an allocation that cannot succeed is an error, as Python torch reports it; later runs succeed', async () => {
  const m = manifest('raises');
  const alloc = m.allocation as { function: string; message: string };
  const script = await compile(artifact(m).toString('utf8'));
  const c = m.cases[0]!;
  await assert.rejects(script.run(alloc.function, c.inputs, 1), (err: Error) => err.message === alloc.message);
  assertClose((await script.run(c.function!, c.inputs, 1))[0]!, c.outputs[0]!);
});

test('through the engine: SCRIPTSET / SCRIPTRUN / INFO; errors count after submission', async () => {
  const engine = new Engine();
  await engine.registerBackend(backend);
  const m = manifest('functions');
  const c = m.cases.find((x) => x.function === 'sum_and_diff')!;
  const source = artifact(m).toString('utf8');
  await engine.scriptSet('s', { device: 'CPU', source });
  assert.deepEqual(engine.scriptGet('s'), { device: 'CPU', tag: '', entryPoints: [], source });
  engine.tensorSet('a', c.inputs[0]!);
  engine.tensorSet('b', c.inputs[1]!);
  await engine.scriptRun('s', 'sum_and_diff', ['a', 'b'], ['sum', 'diff']);
  assertClose(engine.tensorGet('sum'), c.outputs[0]!);
  assertClose(engine.tensorGet('diff'), c.outputs[1]!);
  await assert.rejects(engine.scriptRun('s', 'missing', ['a'], ['x']), /function 'missing' is not defined/);
  await assert.rejects(engine.scriptRun('s', 'addtwo', ['a'], ['x']), /missing value for argument 'b'/);
  const info = engine.info('s');
  // Both failures happened in queued runs: each is a call and an error, as the reference counted them.
  assert.deepEqual([info.type, info.backend, info.samples, info.calls, info.errors], ['SCRIPT', 'TORCH', -1, 3, 2]);
  await assert.rejects(engine.scriptSet('bad', { device: 'CPU', source: 'def f(a):\n    return a +\n' }), /line 3/);
  engine.tensorSet('u', Tensor.zeros('UINT16', [2]));
  await assert.rejects(engine.scriptRun('s', 'twice', ['u'], ['x']), /UINT16 tensors are not supported/);
});

test('an entry point gets its tensors, keys and args as three lists, as RedisAI 1.2 calls it', async () => {
  const source = [
    'def scale(tensors: List[Tensor], keys: List[str], args: List[str]):',
    '    return tensors[0] * float(args[0]) + len(keys)',
    '',
    'def both(tensors: List[Tensor], keys: List[str], args: List[str]):',
    '    return tensors[0] + tensors[1], tensors[0] - tensors[1]',
    '',
  ].join('\n');
  assert.ok(backend.compileScript !== undefined);
  const script = await backend.compileScript(source, { device: CPU, entryPoints: ['scale', 'both'] });
  assert.ok(script instanceof TorchScript);
  const a = Tensor.fromArray('FLOAT', [2], [1, 2]);
  const b = Tensor.fromArray('FLOAT', [2], [10, 20]);
  const [scaled] = await script.runEntryPoint('scale', { tensors: [a], keys: ['{x}k1', '{x}k2'], args: ['0.5'] }, 1);
  assert.deepEqual(scaled!.values(), [2.5, 3]);
  const outs = await script.runEntryPoint('both', { tensors: [a, b], keys: [], args: [] }, 2);
  assert.deepEqual(
    outs.map((t) => t.values()),
    [
      [11, 22],
      [-9, -18],
    ],
  );
  await assert.rejects(script.runEntryPoint('nope', { tensors: [a], keys: [], args: [] }, 1), /function 'nope' is not defined/);
  script.release();
});

test("entry points are checked when the script is stored, in RedisAI 1.2's words", async () => {
  assert.ok(backend.compileScript !== undefined);
  const store = (source: string, entryPoints: string[]) => backend.compileScript!(source, { device: CPU, entryPoints });
  const good = 'def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n';
  const script = await store(good + '\ndef helper(a: Tensor, b: int):\n    return a\n', ['bar']);
  assert.deepEqual([...(script.functionNames ?? [])].sort(), ['bar', 'helper']);
  await script.release();
  await assert.rejects(store(good, ['bar', 'bar1']), { message: 'Function bar1 does not exist in the given script.' });
  await assert.rejects(store('def bar(a, b):\n    return a + b\n', ['bar']), {
    message: 'Wrong number of inputs in function bar. Expected 3 but was 2',
  });
  await assert.rejects(store('def bar(tensors: List[Tensor], keys: List[str], args: List[int]):\n    return tensors[0]\n', ['bar']), {
    message:
      'Wrong inputs type in function bar. Expected signature similar to: def bar(tensors: List[Tensor], keys: List[str], args: List[str])',
  });
  // Unannotated arguments are Tensors in TorchScript: three of them are still the wrong types.
  await assert.rejects(store('def bar(a, b, c):\n    return a\n', ['bar']), { message: /^Wrong inputs type in function bar\./ });
  // Functions that are not entry points may take anything.
  const plain = await store('def add(a, b):\n    return a + b\n', []);
  await plain.release();
});
