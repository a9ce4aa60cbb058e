// ONNX models through Debian's redis-cli: MODELSET (blob last and BLOB forms), MODELGET,
// MODELDEL, the generic key commands, MODELRUN against the framework's outputs, AI.INFO.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asArray, asBuffer, asInteger, describe as show, word } from '../src/cli-format.js';
import { cliFor, cliTensor, errorOf, storeTensors } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { ONNX_BACKEND_ARGS, RUN_CASES, assertOnnxClose, onnxFixture } from './onnx-fixtures.js';

const cli = cliFor(useServer({ args: ONNX_BACKEND_ARGS }));

describe('redis-cli: storing ONNX models', () => {
  const tiny = onnxFixture('tiny_mul');

  test('AI.MODELSET with the blob last (redis-cli -x) answers OK; AI.MODELGET returns [ONNX, CPU, blob]', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'model:last', 'ONNX', 'CPU'], tiny.model), { status: 'OK' });
    const reply = asArray(await cli(['AI.MODELGET', 'model:last']));
    assert.equal(reply.length, 3, show(reply));
    assert.equal(word(reply[0]), 'ONNX');
    assert.equal(word(reply[1]), 'CPU');
    assert.ok(asBuffer(reply[2]).equals(tiny.model), 'MODELGET returns the blob byte for byte');
  });

  test('AI.MODELSET with the BLOB keyword stores the same model', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'model:kw', 'ONNX', 'CPU', 'BLOB'], tiny.model), { status: 'OK' });
    const reply = asArray(await cli(['AI.MODELGET', 'model:kw']));
    assert.ok(asBuffer(reply[2]).equals(tiny.model));
  });

  test('TYPE, EXISTS, SCAN and KEYS see models', async () => {
    assert.deepEqual(await cli(['TYPE', 'model:last']), { status: 'AI__MODEL' });
    assert.deepEqual(await cli(['EXISTS', 'model:last', 'model:kw', 'model:none']), { integer: 2n });
    const scanned: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = asArray(await cli(['SCAN', cursor, 'MATCH', 'model:*', 'COUNT', '2']));
      cursor = word(next);
      scanned.push(...asArray(keys).map(word));
    } while (cursor !== '0');
    assert.deepEqual(scanned.sort(), ['model:kw', 'model:last']);
    assert.deepEqual(asArray(await cli(['KEYS', 'model:l*'])).map(word), ['model:last']);
  });

  test('AI.MODELDEL and DEL remove models; the key is gone afterwards', async () => {
    assert.deepEqual(await cli(['AI.MODELDEL', 'model:kw']), { status: 'OK' });
    assert.deepEqual(await cli(['EXISTS', 'model:kw']), { integer: 0n });
    assert.match(errorOf(await cli(['AI.MODELGET', 'model:kw'])) ?? '', /^ERR /);
    assert.match(errorOf(await cli(['AI.MODELDEL', 'model:kw'])) ?? '', /^ERR /);
    assert.deepEqual(await cli(['DEL', 'model:last']), { integer: 1n });
    assert.deepEqual(await cli(['TYPE', 'model:last']), { status: 'none' });
  });

  test('MODELGET / MODELDEL on a tensor key and TENSORGET on a model key are WRONGTYPE', async () => {
    await cli(['AI.TENSORSET', 'model:tensor', 'FLOAT', '1', 'VALUES', '1']);
    await cli(['AI.MODELSET', 'model:m', 'ONNX', 'CPU'], tiny.model);
    assert.match(errorOf(await cli(['AI.MODELGET', 'model:tensor'])) ?? '', /^WRONGTYPE /);
    assert.match(errorOf(await cli(['AI.MODELDEL', 'model:tensor'])) ?? '', /^WRONGTYPE /);
    assert.match(errorOf(await cli(['AI.TENSORGET', 'model:m', 'BLOB'])) ?? '', /^WRONGTYPE /);
    assert.deepEqual(await cli(['DEL', 'model:tensor', 'model:m']), { integer: 2n });
  });
});

describe('redis-cli: AI.MODELRUN outputs match the framework that produced each model', () => {
  for (const name of RUN_CASES) {
    test(name, async () => {
      const fx = onnxFixture(name);
      assert.deepEqual(await cli(['AI.MODELSET', `run:${name}`, 'ONNX', 'CPU'], fx.model), { status: 'OK' });
      const inputs = await storeTensors(cli, `run:${name}`, fx.inputs);
      const outputs = fx.outputs.map((_, i) => `run:${name}:out${i}`);
      assert.deepEqual(await cli(['AI.MODELRUN', `run:${name}`, 'INPUTS', ...inputs, 'OUTPUTS', ...outputs]), { status: 'OK' });
      for (const [i, ref] of fx.outputs.entries()) {
        const got = await cliTensor(cli, outputs[i]!);
        assert.equal(got.dtype, ref.dtype, `${name} output ${ref.name}: dtype`);
        assert.deepEqual(got.shape, ref.shape, `${name} output ${ref.name}: shape`);
        assertOnnxClose(ref.dtype, got.blob, ref.bytes, `${name} output ${ref.name}`);
      }
    });
  }

  test('the specification example: AI.MODELSET mnist_net ONNX CPU < mnist.onnx, then a batch of one image', async () => {
    const fx = onnxFixture('mnist_cnn');
    assert.deepEqual(await cli(['AI.MODELSET', 'mnist_net', 'ONNX', 'CPU'], fx.model), { status: 'OK' });
    const image = fx.inputs[0]!.bytes.subarray(0, 28 * 28 * 4);
    await cli(['AI.TENSORSET', 'image12', 'FLOAT', '1', '1', '28', '28', 'BLOB'], image);
    assert.deepEqual(await cli(['AI.MODELRUN', 'mnist_net', 'INPUTS', 'image12', 'OUTPUTS', 'label12']), { status: 'OK' });
    const got = await cliTensor(cli, 'label12');
    assert.deepEqual(got.shape, [1, 10]);
    assertOnnxClose('FLOAT', got.blob, fx.outputs[0]!.bytes.subarray(0, 10 * 4), 'label12');
  });

  test('setting a key that holds a model replaces it with the new one', async () => {
    const tiny = onnxFixture('tiny_mul');
    const mnist = onnxFixture('mnist_cnn');
    await cli(['AI.MODELSET', 'swap', 'ONNX', 'CPU'], tiny.model);
    const tinyIn = await storeTensors(cli, 'swap:tiny', tiny.inputs);
    assert.deepEqual(await cli(['AI.MODELRUN', 'swap', 'INPUTS', ...tinyIn, 'OUTPUTS', 'swap:out']), { status: 'OK' });
    assert.deepEqual(await cli(['AI.MODELSET', 'swap', 'ONNX', 'CPU'], mnist.model), { status: 'OK' });
    assert.ok(asBuffer(asArray(await cli(['AI.MODELGET', 'swap']))[2]).equals(mnist.model));
    const mnistIn = await storeTensors(cli, 'swap:mnist', mnist.inputs);
    assert.deepEqual(await cli(['AI.MODELRUN', 'swap', 'INPUTS', ...mnistIn, 'OUTPUTS', 'swap:out']), { status: 'OK' });
    const got = await cliTensor(cli, 'swap:out');
    assertOnnxClose('FLOAT', got.blob, mnist.outputs[0]!.bytes, 'swap:out');
    // The replaced model's inputs no longer fit.
    assert.match(errorOf(await cli(['AI.MODELRUN', 'swap', 'INPUTS', ...tinyIn, 'OUTPUTS', 'swap:out'])) ?? '', /^ERR .*expects 1 inputs/);
  });
});

describe('redis-cli: AI.INFO', () => {
  test('reports KEY TYPE BACKEND DEVICE DURATION SAMPLES CALLS ERRORS and resets with RESETSTAT', async () => {
    const fx = onnxFixture('mnist_cnn');
    await cli(['AI.MODELSET', 'stats', 'ONNX', 'CPU'], fx.model);
    const fresh = asArray(await cli(['AI.INFO', 'stats']));
    assert.equal(fresh.length, 16, show(fresh));
    const field = (reply: ReturnType<typeof asArray>, i: number): string => word(reply[i]);
    assert.deepEqual(
      [0, 2, 4, 6, 8, 10, 12, 14].map((i) => field(fresh, i)),
      ['KEY', 'TYPE', 'BACKEND', 'DEVICE', 'DURATION', 'SAMPLES', 'CALLS', 'ERRORS'],
    );
    assert.deepEqual(
      [1, 3, 5, 7].map((i) => field(fresh, i)),
      ['stats', 'MODEL', 'ONNX', 'CPU'],
    );
    assert.deepEqual(
      [9, 11, 13, 15].map((i) => asInteger(fresh[i])),
      [0n, 0n, 0n, 0n],
    );

    const images = fx.inputs[0]!.bytes;
    await cli(['AI.TENSORSET', 'stats:b4', 'FLOAT', '4', '1', '28', '28', 'BLOB'], images);
    await cli(['AI.TENSORSET', 'stats:b1', 'FLOAT', '1', '1', '28', '28', 'BLOB'], images.subarray(0, 28 * 28 * 4));
    await cli(['AI.TENSORSET', 'stats:bad', 'FLOAT', '2', '1', '27', '28']);
    await cli(['AI.TENSORSET', 'stats:int', 'INT32', '1', '1', '28', '28']);
    for (const input of ['stats:b4', 'stats:b1', 'stats:b4']) {
      assert.deepEqual(await cli(['AI.MODELRUN', 'stats', 'INPUTS', input, 'OUTPUTS', 'stats:out']), { status: 'OK' });
    }
    // Two runs the model rejects: they count as calls and errors.
    for (const input of ['stats:bad', 'stats:int']) {
      assert.match(errorOf(await cli(['AI.MODELRUN', 'stats', 'INPUTS', input, 'OUTPUTS', 'stats:out'])) ?? '', /^ERR /);
    }
    // A missing input is found while reading the command: not a run error.
    assert.match(errorOf(await cli(['AI.MODELRUN', 'stats', 'INPUTS', 'stats:missing', 'OUTPUTS', 'stats:out'])) ?? '', /^ERR /);
    // 0.9 queued a run with the wrong number of inputs for an ONNX model, and it failed there.
    assert.match(errorOf(await cli(['AI.MODELRUN', 'stats', 'INPUTS', 'stats:b1', 'stats:b1', 'OUTPUTS', 'stats:out'])) ?? '', /^ERR /);

    const info = asArray(await cli(['AI.INFO', 'stats']));
    assert.equal(info.length, 16, show(info));
    assert.ok(asInteger(info[9]) > 0n, `DURATION ${show(info[9])} is cumulative microseconds`);
    assert.equal(asInteger(info[11]), 9n, 'SAMPLES sums the batch dimension of successful runs: 4 + 1 + 4');
    assert.equal(asInteger(info[13]), 6n, 'CALLS counts every submitted run');
    assert.equal(asInteger(info[15]), 3n, 'ERRORS counts only errors after submission');

    assert.deepEqual(await cli(['AI.INFO', 'stats', 'RESETSTAT']), { status: 'OK' });
    const reset = asArray(await cli(['AI.INFO', 'stats']));
    assert.deepEqual(
      [9, 11, 13, 15].map((i) => asInteger(reset[i])),
      [0n, 0n, 0n, 0n],
    );
    assert.deepEqual(
      [1, 3, 5, 7].map((i) => word(reset[i])),
      ['stats', 'MODEL', 'ONNX', 'CPU'],
    );
  });

  test('AI.INFO on a tensor or a missing key is an error', async () => {
    await cli(['AI.TENSORSET', 'info:t', 'FLOAT', '1']);
    assert.match(errorOf(await cli(['AI.INFO', 'info:t'])) ?? '', /^(ERR|WRONGTYPE) /);
    assert.match(errorOf(await cli(['AI.INFO', 'info:none'])) ?? '', /^ERR /);
  });
});
