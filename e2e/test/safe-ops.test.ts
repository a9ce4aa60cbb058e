// The safe-op policy through redis-cli, on a server with all three backends: by default models
// and scripts that reach the server's files are refused at MODELSET / SCRIPTSET with an ERR that
// names the op, and leave no file; with --allow-unsafe-ops yes the same ones load and really do
// read and write files. Sources nested deeper than libtorch's parser survives are refused either
// way, and the server goes on serving.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type Cli, cliFor, cliTensor, errorOf } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { E2E_ROOT } from '../src/harness.js';
import { ONNX_BACKEND_ARGS, onnxFile } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS, TF_MODELS, tfFile } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS, TORCH_MODELS } from './torch-fixtures.js';

const BACKENDS = [...TORCH_BACKEND_ARGS, ...TF_BACKEND_ARGS, ...ONNX_BACKEND_ARGS];
const guarded = cliFor(useServer({ args: BACKENDS }));
const trusting = cliFor(useServer({ args: [...BACKENDS, '--allow-unsafe-ops', 'yes'] }));

const dir = mkdtempSync(join(tmpdir(), 'modelkv-e2e-safe-ops-'));
const secret = join(dir, 'secret.txt');
const target = join(dir, 'written.bin');
writeFileSync(secret, 'top secret');
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(setstatePath(), { force: true });
});

const READ_SCRIPT = `def readfile(a):\n    return torch.from_file(${JSON.stringify(secret)}, size=10, dtype=a.dtype)\n`;
const WRITE_SCRIPT =
  `def writefile(a):\n    t = torch.from_file(${JSON.stringify(target)}, shared=True, size=4, dtype=a.dtype)\n` +
  '    t.copy_(a)\n    return t\n';
const HINT = /; set --allow-unsafe-ops yes to load trusted models$/;
const torchFile = (name: string): Buffer => readFileSync(join(TORCH_MODELS, name));
const unsafeTf = (name: string): { inputs: string[]; outputs: string[] } =>
  (JSON.parse(readFileSync(join(TF_MODELS, 'unsafe.json'), 'utf8')) as { models: Record<string, { inputs: string[]; outputs: string[] }> })
    .models[name]!;
const tfArgs = (name: string): string[] => ['CPU', 'INPUTS', ...unsafeTf(name).inputs, 'OUTPUTS', ...unsafeTf(name).outputs];
function setstatePath(): string {
  return (JSON.parse(readFileSync(join(TORCH_MODELS, 'unsafe.json'), 'utf8')) as { setstate_path: string }).setstate_path;
}

async function refused(cli: Cli, key: string, args: string[], blob: Buffer, reason: RegExp): Promise<string> {
  const reply = await cli(args, blob);
  const error = errorOf(reply) ?? `not an error: ${JSON.stringify(reply)}`;
  assert.match(error, reason);
  assert.deepEqual(await cli(['EXISTS', key]), { integer: 0n }, `${key} must not be stored`);
  return error;
}

describe('by default (--allow-unsafe-ops no)', () => {
  test('CONFIG GET reports the setting', async () => {
    assert.deepEqual(await guarded(['CONFIG', 'GET', 'allow-unsafe-ops']), [Buffer.from('allow-unsafe-ops'), Buffer.from('no')]);
  });

  test('TorchScript reading a file with torch.from_file, or writing one with shared=True and copy_, is refused at SCRIPTSET', async () => {
    const read = await refused(
      guarded,
      's:read',
      ['AI.SCRIPTSET', 's:read', 'CPU'],
      Buffer.from(READ_SCRIPT),
      /^ERR op 'aten::from_file' \(in function 'readfile'\) is not allowed: /,
    );
    assert.match(read, HINT);
    await refused(
      guarded,
      's:write',
      ['AI.SCRIPTSET', 's:write', 'CPU'],
      Buffer.from(WRITE_SCRIPT),
      /^ERR op 'aten::from_file' \(in function 'writefile'\)/,
    );
    assert.ok(!existsSync(target), 'a refused script left a file');
  });

  test('a TorchScript model whose loading would write a file (its __setstate__) is refused before it runs: no file', async () => {
    rmSync(setstatePath(), { force: true });
    await refused(
      guarded,
      'm:setstate',
      ['AI.MODELSET', 'm:setstate', 'TORCH', 'CPU'],
      torchFile('unsafe_setstate_model.pt'),
      /^ERR op 'aten::from_file' \(in function '__torch__\.SetStateModel\.__setstate__'\) is not allowed/,
    );
    assert.ok(!existsSync(setstatePath()));
  });

  test('TF graphs with ReadFile or WriteFile nodes, also inside a function of the library, are refused at MODELSET', async () => {
    for (const [name, op] of [
      ['unsafe_read_file', 'ReadFile'],
      ['unsafe_write_file', 'WriteFile'],
      ['unsafe_read_in_function', 'ReadFile'],
    ] as const) {
      await refused(
        guarded,
        `m:${name}`,
        ['AI.MODELSET', `m:${name}`, 'TF', ...tfArgs(name)],
        tfFile(`${name}.pb`),
        new RegExp(`^ERR op '${op}' \\(node '[^']+'`),
      );
    }
  });

  test('an ONNX model with external data is refused at MODELSET', async () => {
    await refused(
      guarded,
      'm:ext',
      ['AI.MODELSET', 'm:ext', 'ONNX', 'CPU'],
      onnxFile('unsafe_external.onnx'),
      /^ERR tensor 'w' with external data \('unsafe_external\.weights'\) is not allowed/,
    );
  });
});

describe('with --allow-unsafe-ops yes', () => {
  test('CONFIG GET reports the setting', async () => {
    assert.deepEqual(await trusting(['CONFIG', 'GET', 'allow-unsafe-ops']), [Buffer.from('allow-unsafe-ops'), Buffer.from('yes')]);
  });

  test('the same TorchScript loads, and really reads and writes those files', async () => {
    assert.deepEqual(await trusting(['AI.SCRIPTSET', 's:read', 'CPU'], Buffer.from(READ_SCRIPT)), { status: 'OK' });
    assert.deepEqual(await trusting(['AI.TENSORSET', 'like', 'UINT8', '4', 'BLOB'], Buffer.from('AbCd')), { status: 'OK' });
    assert.deepEqual(await trusting(['AI.SCRIPTRUN', 's:read', 'readfile', 'INPUTS', 'like', 'OUTPUTS', 'got']), { status: 'OK' });
    assert.equal((await cliTensor(trusting, 'got')).blob.toString(), 'top secret');
    assert.deepEqual(await trusting(['AI.SCRIPTSET', 's:write', 'CPU'], Buffer.from(WRITE_SCRIPT)), { status: 'OK' });
    assert.deepEqual(await trusting(['AI.SCRIPTRUN', 's:write', 'writefile', 'INPUTS', 'like', 'OUTPUTS', 'w']), { status: 'OK' });
    assert.equal(readFileSync(target, 'utf8'), 'AbCd');
    rmSync(target);
  });

  test('the TorchScript model writes its file merely by being loaded', async () => {
    rmSync(setstatePath(), { force: true });
    assert.deepEqual(await trusting(['AI.MODELSET', 'm:setstate', 'TORCH', 'CPU'], torchFile('unsafe_setstate_model.pt')), {
      status: 'OK',
    });
    assert.equal(readFileSync(setstatePath(), 'utf8'), 'AAAA');
  });

  test('the TF graphs load and read the file they are pointed at', async () => {
    for (const name of ['unsafe_read_file', 'unsafe_read_in_function']) {
      assert.deepEqual(await trusting(['AI.MODELSET', `m:${name}`, 'TF', ...tfArgs(name)], tfFile(`${name}.pb`)), { status: 'OK' });
    }
    assert.deepEqual(await trusting(['AI.TENSORSET', 'path', 'STRING', 'BLOB'], Buffer.from(`${secret}\0`)), { status: 'OK' });
    for (const name of ['unsafe_read_file', 'unsafe_read_in_function']) {
      assert.deepEqual(await trusting(['AI.MODELRUN', `m:${name}`, 'INPUTS', 'path', 'OUTPUTS', `c:${name}`]), { status: 'OK' });
      assert.equal((await cliTensor(trusting, `c:${name}`)).blob.toString(), 'top secret\0');
    }
  });

  test('ONNX external data reaches onnxruntime, which answers for itself', async () => {
    const reply = await trusting(['AI.MODELSET', 'm:ext', 'ONNX', 'CPU'], onnxFile('unsafe_external.onnx'));
    assert.match(errorOf(reply) ?? '', /^ERR .*(external data|model_path must not be empty)/i);
    assert.doesNotMatch(errorOf(reply) ?? '', /allow-unsafe-ops/);
  });
});

describe('sources nested deeper than libtorch survives are refused on either server', () => {
  const crasher = readFileSync(join(E2E_ROOT, 'fixtures', 'crashers', 'torch-script-deep-parens.txt'));
  for (const [which, cli] of [
    ['default', guarded],
    ['--allow-unsafe-ops yes', trusting],
  ] as const) {
    test(`${which}: the crasher script and a model whose code nests 6,000 deep; the server still answers`, async () => {
      await refused(cli, 's:deep', ['AI.SCRIPTSET', 's:deep', 'CPU'], crasher, /^ERR script nesting depth 6001 exceeds the limit of 256$/);
      await refused(
        cli,
        'm:deep',
        ['AI.MODELSET', 'm:deep', 'TORCH', 'CPU'],
        torchFile('deep_code_model.pt'),
        /^ERR model code 'archive\/code\/__torch__\.py' nesting depth 6003 exceeds the limit of 256$/,
      );
      assert.deepEqual(await cli(['PING']), { status: 'PONG' });
    });
  }
});
