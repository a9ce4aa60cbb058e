import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Device, Tensor } from '@modelkv/core';
import { archiveSources } from '../src/archive-sources.js';
import { backend } from '../src/index.js';
import { MAX_SCRIPT_NESTING, scriptNesting } from '../src/script-nesting.js';
import { MODELS, REPO_ROOT, ensureFixtures } from './fixtures.js';

const CPU: Device = { kind: 'CPU', index: 0 };
const CRASHERS = join(REPO_ROOT, 'e2e', 'fixtures', 'crashers');
const body = (expression: string): string => `def f(a):\n    return ${expression}\n`;

function compile(source: string): ReturnType<NonNullable<typeof backend.compileScript>> {
  assert.ok(backend.compileScript !== undefined);
  return backend.compileScript(source, { device: CPU });
}

describe('scriptNesting', () => {
  test('counts brackets, chained operators, calls, subscripts and blocks; not strings or comments', () => {
    assert.equal(scriptNesting('x = 1\n'), 1);
    assert.equal(scriptNesting(body('(((a)))')), 4); // indentation 1, 3 brackets
    assert.equal(scriptNesting(body('a + a + a + a')), 4);
    assert.equal(scriptNesting(body('- - - a')), 4);
    assert.equal(scriptNesting(body('a.relu().relu()')), 4); // a method call counts with its `.`
    assert.equal(scriptNesting(body('a[0][0][0]')), 5);
    assert.equal(scriptNesting(body('f(a + a, a + a, a + a)')), 4); // a comma starts a new chain
    assert.equal(scriptNesting(body('"((((((((" + a  # ))))))))))')), 2);
    assert.equal(scriptNesting(body("'''\n((((((((((\n'''")), 2); // `def f(` counts as a call
    assert.equal(scriptNesting('def f(a):\n  if a:\n    if a:\n      if a:\n        return a\n  return a\n'), 4);
    assert.equal(scriptNesting(body('(a +\n        a) \\\n        + a')), 3); // brackets and backslashes continue a line
  });

  test('the fixtures, model code and scripts alike, nest a few levels deep', () => {
    ensureFixtures();
    for (const file of ['functions.txt', 'spin.txt']) assert.ok(scriptNesting(readFileSync(join(MODELS, file), 'utf8')) < 16, file);
    const sources = archiveSources(readFileSync(join(MODELS, 'resnet18.pt')));
    assert.ok(sources.length > 10);
    for (const s of sources) assert.ok(scriptNesting(s.text) < 16, s.name);
  });
});

describe('sources nested deeper than the limit are refused before libtorch parses them', () => {
  test('the crasher script of 6,000 parentheses is an error, not a dead process', async () => {
    const source = readFileSync(join(CRASHERS, 'torch-script-deep-parens.txt'), 'utf8');
    await assert.rejects(compile(source), { message: `script nesting depth 6001 exceeds the limit of ${MAX_SCRIPT_NESTING}` });
  });

  // Each of these killed a libtorch parse or compile on an 8 MiB stack at 5,000 to 20,000
  // levels; with the expected result of f([1, 2]) at a depth the limit lets through.
  const shapes: Record<string, [(n: number) => string, (n: number) => number[]]> = {
    parentheses: [(n) => body(`${'('.repeat(n)}a${')'.repeat(n)}`), () => [1, 2]],
    calls: [(n) => body(`${'torch.relu('.repeat(n)}a${')'.repeat(n)}`), () => [1, 2]],
    lists: [(n) => body(`${'['.repeat(n)}a${']'.repeat(n)}`), () => [1, 2]],
    sums: [(n) => body(Array<string>(n).fill('a').join(' + ')), (n) => [n, 2 * n]],
    negations: [(n) => body(`${'- '.repeat(n)}a`), (n) => (n % 2 === 0 ? [1, 2] : [-1, -2])],
    powers: [(n) => body(`a${' ** 1.0'.repeat(n)}`), () => [1, 2]],
    conditionals: [(n) => body(`${'a if bool(a.sum() > 0) else '.repeat(n)}a`), () => [1, 2]],
    blocks: [
      (n) =>
        `def f(a):\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}if bool(a.sum() > 0):\n`).join('')}` +
        `${' '.repeat(n + 1)}a = a + 1\n return a\n`,
      () => [2, 3],
    ],
  };
  for (const [shape, [make, expected]] of Object.entries(shapes)) {
    test(`${shape}: 6,000 deep is refused; ${MAX_SCRIPT_NESTING / 4} deep compiles and computes`, async () => {
      await assert.rejects(compile(make(6000)), /script nesting depth \d+ exceeds the limit of 256$/);
      const n = MAX_SCRIPT_NESTING / 4;
      const script = await compile(make(n));
      const [out] = await script.run('f', [Tensor.fromArray('FLOAT', [2], [1, 2])], 1);
      assert.deepEqual(out!.values(), expected(n));
      await script.release();
    });
  }

  test("a model archive's code is checked the same way, stored or deflated", async () => {
    for (const file of ['deep_code_model.pt', 'deep_code_deflated_model.pt']) {
      await assert.rejects(backend.loadModel(readFileSync(join(MODELS, file)), { device: CPU, inputs: [], outputs: [] }), {
        message: "model code 'archive/code/__torch__.py' nesting depth 6003 exceeds the limit of 256",
      });
    }
  });
});

describe('archiveSources', () => {
  test('bytes that are not a zip have no sources (libtorch refuses them itself); a zip that lies about its entries throws', () => {
    assert.deepEqual(archiveSources(Buffer.from('not a zip at all')), []);
    const zip = readFileSync(join(MODELS, 'addtwo.pt'));
    assert.equal(archiveSources(zip).length, 1);
    const broken = Buffer.from(zip);
    const eocd = broken.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    broken.writeUInt32LE(broken.length, eocd + 16); // the central directory "starts" past the end
    assert.throws(() => archiveSources(broken), /past the end/);
  });
});
