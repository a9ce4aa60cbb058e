// TF graphs through Debian's redis-cli: MODELSET with INPUTS / OUTPUTS (blob last and BLOB
// forms), MODELGET, MODELRUN on every fixture graph against TensorFlow's own outputs, AI.INFO.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asArray, asBuffer, asInteger, describe as show, word } from '../src/cli-format.js';
import { cliFor, cliTensor } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { startServer } from '../src/harness.js';
import { RUN_CASES, TF_BACKEND_ARGS, assertSameOutput, exactOutputs, tfFixture } from './tf-fixtures.js';

const cli = cliFor(useServer({ args: TF_BACKEND_ARGS }));

async function modelSet(key: string, name: string, form: 'last' | 'BLOB' = 'last'): Promise<void> {
  const fx = tfFixture(name);
  const args = ['AI.MODELSET', key, 'TF', 'CPU', 'INPUTS', ...fx.inputs.map((i) => i.name), 'OUTPUTS', ...fx.outputs.map((o) => o.name)];
  assert.deepEqual(await cli(form === 'BLOB' ? [...args, 'BLOB'] : args, fx.model), { status: 'OK' });
}

describe('redis-cli: storing TF graphs', () => {
  test("the specification's example: AI.MODELSET key TF CPU INPUTS a b OUTPUTS c < graph.pb; MODELGET gives it back", async () => {
    const fx = tfFixture('mul');
    await modelSet('tf:mul', 'mul');
    const reply = asArray(await cli(['AI.MODELGET', 'tf:mul']));
    assert.equal(reply.length, 3, show(reply));
    assert.equal(word(reply[0]), 'TF');
    assert.equal(word(reply[1]), 'CPU');
    assert.ok(asBuffer(reply[2]).equals(fx.model), 'MODELGET returns the blob byte for byte');
    assert.deepEqual(await cli(['TYPE', 'tf:mul']), { status: 'AI__MODEL' });
  });

  test('the BLOB keyword form stores the same graph', async () => {
    await modelSet('tf:mul:kw', 'mul', 'BLOB');
    assert.ok(asBuffer(asArray(await cli(['AI.MODELGET', 'tf:mul:kw']))[2]).equals(tfFixture('mul').model));
    assert.deepEqual(await cli(['AI.MODELDEL', 'tf:mul:kw']), { status: 'OK' });
    assert.deepEqual(await cli(['EXISTS', 'tf:mul:kw']), { integer: 0n });
  });

  test('node names with an output index (a:0, c:0) name the same tensors', async () => {
    const fx = tfFixture('mul');
    assert.deepEqual(await cli(['AI.MODELSET', 'tf:mul:idx', 'TF', 'CPU', 'INPUTS', 'a:0', 'b:0', 'OUTPUTS', 'c:0'], fx.model), {
      status: 'OK',
    });
    for (const [i, t] of fx.inputs.entries()) {
      await cli(['AI.TENSORSET', `idx:in${i}`, t.dtype, ...t.shape.map(String), 'BLOB'], t.bytes);
    }
    assert.deepEqual(await cli(['AI.MODELRUN', 'tf:mul:idx', 'INPUTS', 'idx:in0', 'idx:in1', 'OUTPUTS', 'idx:out']), { status: 'OK' });
    assert.ok((await cliTensor(cli, 'idx:out')).blob.equals(fx.outputs[0]!.bytes));
  });
});

describe('redis-cli: AI.MODELRUN outputs match TensorFlow', () => {
  for (const name of RUN_CASES) {
    test(name, async () => {
      const fx = tfFixture(name);
      const key = `run:${name}`;
      await modelSet(key, name);
      const inputs: string[] = [];
      for (const [i, t] of fx.inputs.entries()) {
        inputs.push(`${key}:in${i}`);
        assert.deepEqual(await cli(['AI.TENSORSET', inputs[i]!, t.dtype, ...t.shape.map(String), 'BLOB'], t.bytes), { status: 'OK' });
      }
      const outputs = fx.outputs.map((_, i) => `${key}:out${i}`);
      assert.deepEqual(await cli(['AI.MODELRUN', key, 'INPUTS', ...inputs, 'OUTPUTS', ...outputs]), { status: 'OK' });
      for (const [i, ref] of fx.outputs.entries()) {
        const got = await cliTensor(cli, outputs[i]!);
        assert.equal(got.dtype, ref.dtype, `${name} ${ref.name}: dtype`);
        assert.deepEqual(got.shape, ref.shape, `${name} ${ref.name}: shape`);
        assertSameOutput(ref.dtype, got.blob, ref.bytes, `${name} ${ref.name}`, exactOutputs(name));
      }
    });
  }

  test('the CNN on one image of its batch, then AI.INFO counts it', async () => {
    const fx = tfFixture('cnn');
    await modelSet('tf:cnn', 'cnn');
    await cli(['AI.TENSORSET', 'image12', 'FLOAT', '1', '28', '28', '1', 'BLOB'], fx.inputs[0]!.bytes.subarray(0, 28 * 28 * 4));
    assert.deepEqual(await cli(['AI.MODELRUN', 'tf:cnn', 'INPUTS', 'image12', 'OUTPUTS', 'probs12', 'label12']), { status: 'OK' });
    const probs = await cliTensor(cli, 'probs12');
    assert.deepEqual(probs.shape, [1, 10]);
    assertSameOutput('FLOAT', probs.blob, fx.outputs[0]!.bytes.subarray(0, 40), 'probs12', false);
    const label = await cliTensor(cli, 'label12');
    assert.equal(label.dtype, 'INT64');
    assert.ok(label.blob.equals(fx.outputs[1]!.bytes.subarray(0, 8)));

    const info = asArray(await cli(['AI.INFO', 'tf:cnn']));
    assert.equal(info.length, 16, show(info));
    assert.deepEqual(
      [1, 3, 5, 7].map((i) => word(info[i])),
      ['tf:cnn', 'MODEL', 'TF', 'CPU'],
    );
    assert.equal(asInteger(info[11]), 1n, 'SAMPLES: the batch dimension of the first input');
    assert.equal(asInteger(info[13]), 1n, 'CALLS');
    assert.equal(asInteger(info[15]), 0n, 'ERRORS');
  });
});

describe('redis-cli: session options from the server flags', () => {
  test('a server started with --intra-op-threads 1 --inter-op-threads 2 runs the CNN like TensorFlow', async () => {
    const own = await startServer({ args: [...TF_BACKEND_ARGS, '--intra-op-threads', '1', '--inter-op-threads', '2'] });
    try {
      const run = cliFor(own.port);
      const fx = tfFixture('cnn');
      assert.deepEqual(await run(['AI.MODELSET', 'cnn', 'TF', 'CPU', 'INPUTS', 'x', 'OUTPUTS', 'Identity', 'Identity_1'], fx.model), {
        status: 'OK',
      });
      await run(['AI.TENSORSET', 'images', 'FLOAT', ...fx.inputs[0]!.shape.map(String), 'BLOB'], fx.inputs[0]!.bytes);
      assert.deepEqual(await run(['AI.MODELRUN', 'cnn', 'INPUTS', 'images', 'OUTPUTS', 'probs', 'labels']), { status: 'OK' });
      assertSameOutput('FLOAT', (await cliTensor(run, 'probs')).blob, fx.outputs[0]!.bytes, 'probs', false);
      assert.ok((await cliTensor(run, 'labels')).blob.equals(fx.outputs[1]!.bytes));
    } finally {
      await own.stop();
    }
  });
});
