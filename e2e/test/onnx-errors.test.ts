// Bad models and bad runs get an ERR reply naming the problem, store nothing, and leave the
// server serving: through redis-cli against a server with the ONNX backend (and one without).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { asArray, asBuffer, word } from '../src/cli-format.js';
import { cliFor, cliTensor, errorOf, storeTensors } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { startServer } from '../src/harness.js';
import { ONNX_BACKEND_ARGS, onnxFile, onnxFixture } from './onnx-fixtures.js';

const cli = cliFor(useServer({ args: ONNX_BACKEND_ARGS }));

async function assertServing(afterWhat: string): Promise<void> {
  assert.deepEqual(await cli(['PING']), { status: 'PONG' }, `server stopped answering after ${afterWhat}`);
}

async function expectErr(args: string[], pattern: RegExp, stdin?: Buffer, code = 'ERR'): Promise<string> {
  const message = errorOf(await cli(args, stdin));
  assert.ok(message !== undefined, `${args.slice(0, 4).join(' ')}: expected an error reply`);
  assert.ok(message.startsWith(`${code} `), `expected '${code} ...', got '${message}'`);
  assert.match(message, pattern);
  return message;
}

describe('redis-cli: a server without the ONNX backend', () => {
  test('AI.MODELSET ... ONNX answers an error naming the backend, until it is loaded', async () => {
    const bare = await startServer();
    try {
      const bareCli = cliFor(bare.port);
      const tiny = onnxFixture('tiny_mul');
      const message = errorOf(await bareCli(['AI.MODELSET', 'm', 'ONNX', 'CPU'], tiny.model));
      assert.match(message ?? '', /^ERR .*\bONNX\b.*not loaded/i);
      assert.deepEqual(await bareCli(['EXISTS', 'm']), { integer: 0n });
      assert.deepEqual(await bareCli(['AI.CONFIG', 'LOADBACKEND', 'ONNX', 'packages/backend-onnx']), { status: 'OK' });
      assert.deepEqual(await bareCli(['AI.MODELSET', 'm', 'ONNX', 'CPU'], tiny.model), { status: 'OK' });
    } finally {
      await bare.stop();
    }
  });
});

describe('redis-cli: AI.MODELSET refuses what the ONNX backend cannot load', () => {
  const tiny = onnxFixture('tiny_mul');

  test('AI.MODELSET accepts and ignores INPUTS / OUTPUTS names for ONNX, as 0.9 did; AI.MODELSTORE refuses them', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'io:named', 'ONNX', 'CPU', 'INPUTS', 'p', 'q', 'OUTPUTS', 'r'], tiny.model), {
      status: 'OK',
    });
    const meta = asArray(await cli(['AI.MODELGET', 'io:named', 'META']));
    assert.deepEqual(
      [word(meta[10]), asArray(meta[11]).length, word(meta[12]), asArray(meta[13]).length],
      ['inputs', 0, 'outputs', 0],
      'the names are not kept',
    );
    const keys = await storeTensors(cli, 'io', tiny.inputs);
    assert.deepEqual(await cli(['AI.MODELRUN', 'io:named', 'INPUTS', ...keys, 'OUTPUTS', 'io:out']), { status: 'OK' });
    await expectErr(
      ['AI.MODELSTORE', 'bad:io', 'ONNX', 'CPU', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'BLOB'],
      /^ERR INPUTS argument should not be specified for this backend$/,
      tiny.model,
    );
    assert.deepEqual(await cli(['EXISTS', 'bad:io']), { integer: 0n });
  });

  for (const [file, what] of [
    ['bad_random.onnx', 'random bytes'],
    ['bad_truncated.onnx', 'a truncated model'],
  ] as const) {
    test(`${what}: ERR with onnxruntime's reason, nothing stored`, async () => {
      await expectErr(['AI.MODELSET', 'bad:blob', 'ONNX', 'CPU'], /^ERR .*protobuf parsing failed/i, onnxFile(file));
      assert.deepEqual(await cli(['EXISTS', 'bad:blob']), { integer: 0n });
      await assertServing(what);
    });
  }

  test('a failed MODELSET over an existing model keeps the old model', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'bad:keep', 'ONNX', 'CPU'], tiny.model), { status: 'OK' });
    await expectErr(['AI.MODELSET', 'bad:keep', 'ONNX', 'CPU'], /protobuf/i, onnxFile('bad_truncated.onnx'));
    assert.ok(asBuffer(asArray(await cli(['AI.MODELGET', 'bad:keep']))[2]).equals(tiny.model));
  });

  test('a GPU this CPU-only install does not have', async () => {
    for (const device of ['GPU', 'GPU:0', 'GPU:3']) {
      await expectErr(['AI.MODELSET', 'bad:gpu', 'ONNX', device], /GPU:\d+ is not available.*CUDA/i, tiny.model);
    }
    assert.deepEqual(await cli(['EXISTS', 'bad:gpu']), { integer: 0n });
  });

  test('an unknown backend or device word', async () => {
    await expectErr(['AI.MODELSET', 'bad:word', 'ONNXX', 'CPU'], /^ERR unsupported backend$/, tiny.model);
    await expectErr(['AI.MODELSET', 'bad:word', 'ONNX', 'TPU'], /^ERR Invalid DEVICE$/, tiny.model);
  });
});

describe('redis-cli: AI.MODELRUN errors leave no partial outputs', () => {
  before(async () => {
    const two = onnxFixture('two_outputs');
    await cli(['AI.MODELSET', 'run:two', 'ONNX', 'CPU'], two.model);
    await cli(['AI.TENSORSET', 'run:x', 'FLOAT', ...two.inputs[0]!.shape.map(String), 'BLOB'], two.inputs[0]!.bytes);
    await cli(['AI.TENSORSET', 'run:x-int', 'INT32', '5', '7']);
    await cli(['AI.TENSORSET', 'run:x-rank', 'FLOAT', '35']);
    await cli(['AI.MODELSET', 'run:mnist', 'ONNX', 'CPU'], onnxFixture('mnist_cnn').model);
    await cli(['AI.TENSORSET', 'run:img-27', 'FLOAT', '1', '1', '27', '28']);
    // A value already at an output key must survive a failed run untouched.
    await cli(['AI.TENSORSET', 'run:out1', 'UINT8', '2', 'VALUES', '7', '8']);
  });

  async function assertNoOutputs(): Promise<void> {
    assert.deepEqual(await cli(['EXISTS', 'run:out0']), { integer: 0n });
    const kept = await cliTensor(cli, 'run:out1');
    assert.deepEqual([kept.dtype, kept.shape, [...kept.blob]], ['UINT8', [2], [7, 8]]);
  }

  const OUT = ['OUTPUTS', 'run:out0', 'run:out1'];

  test('a missing input key', async () => {
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:nothing', ...OUT], /^ERR Input key is empty$/);
    await assertNoOutputs();
  });

  test('an input key that holds a model', async () => {
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:mnist', ...OUT], /run:mnist|wrong kind/, undefined, 'WRONGTYPE');
    await assertNoOutputs();
  });

  test('a model key that holds a tensor, and a missing model key', async () => {
    await expectErr(['AI.MODELRUN', 'run:x', 'INPUTS', 'run:x', ...OUT], /./, undefined, 'WRONGTYPE');
    await expectErr(['AI.MODELRUN', 'run:none', 'INPUTS', 'run:x', ...OUT], /./);
    await assertNoOutputs();
  });

  test('too many inputs, or too few or too many outputs', async () => {
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x', 'run:x', ...OUT], /expects 1 inputs/);
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x', 'OUTPUTS', 'run:out0'], /2 outputs/);
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x', ...OUT, 'run:out2'], /2 outputs/);
    await assertNoOutputs();
    assert.deepEqual(await cli(['EXISTS', 'run:out2']), { integer: 0n });
  });

  test("a dtype the model rejects, with onnxruntime's message", async () => {
    await expectErr(
      ['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x-int', ...OUT],
      /Unexpected input data type.*tensor\(int32\).*tensor\(float\)/,
    );
    await assertNoOutputs();
  });

  test("a shape the model rejects, with onnxruntime's message", async () => {
    await expectErr(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x-rank', ...OUT], /Invalid rank for input: x/i);
    await expectErr(['AI.MODELRUN', 'run:mnist', 'INPUTS', 'run:img-27', 'OUTPUTS', 'run:out0'], /invalid dimensions for input: image/i);
    await assertNoOutputs();
  });

  test('an output of a type modelkv tensors cannot hold (float16)', async () => {
    await cli(['AI.MODELSET', 'run:half', 'ONNX', 'CPU'], onnxFile('float16_output.onnx'));
    await cli(['AI.TENSORSET', 'run:three', 'FLOAT', '3', 'VALUES', '1', '2', '3']);
    await expectErr(['AI.MODELRUN', 'run:half', 'INPUTS', 'run:three', ...OUT], /output 'half' has type float16/);
    await assertNoOutputs();
  });

  test('the model still runs after all of that, and the server still serves', async () => {
    assert.deepEqual(await cli(['AI.MODELRUN', 'run:two', 'INPUTS', 'run:x', ...OUT]), { status: 'OK' });
    const two = onnxFixture('two_outputs');
    const out1 = await cliTensor(cli, 'run:out1');
    assert.equal(out1.dtype, 'INT64');
    assert.ok(out1.blob.equals(two.outputs[1]!.bytes));
    await assertServing('the failed runs');
  });
});
