// The TORCH backend through Debian's redis-cli: TorchScript models (MODELSET in both forms,
// MODELGET, MODELRUN against Python torch's outputs, every dtype mapping) and scripts (SCRIPTSET,
// SCRIPTGET, SCRIPTRUN, SCRIPTDEL, AI.INFO), with the errors each can give.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asArray, asBuffer, describe as show, word } from '../src/cli-format.js';
import { assertErr } from '../src/expect.js';
import { cliFor, cliTensor, errorOf, storeTensors } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { TORCH_BACKEND_ARGS, TORCH_DTYPES, assertOutputs, infoFields, torchFixture } from './torch-fixtures.js';

const cli = cliFor(useServer({ args: TORCH_BACKEND_ARGS }));

async function assertAlive(): Promise<void> {
  assert.deepEqual(await cli(['PING']), { status: 'PONG' });
}

describe('redis-cli: TorchScript models', () => {
  const addtwo = torchFixture('addtwo');

  test('AI.MODELSET with the blob last and with BLOB; AI.MODELGET returns [TORCH, CPU, blob]; TYPE', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'm:last', 'TORCH', 'CPU'], addtwo.artifact), { status: 'OK' });
    assert.deepEqual(await cli(['AI.MODELSET', 'm:kw', 'TORCH', 'CPU', 'BLOB'], addtwo.artifact), { status: 'OK' });
    for (const key of ['m:last', 'm:kw']) {
      const reply = asArray(await cli(['AI.MODELGET', key]));
      assert.deepEqual([word(reply[0]), word(reply[1])], ['TORCH', 'CPU'], show(reply));
      assert.ok(asBuffer(reply[2]).equals(addtwo.artifact), 'MODELGET returns the archive byte for byte');
      assert.deepEqual(await cli(['TYPE', key]), { status: 'AI__MODEL' });
    }
    assert.deepEqual(await cli(['AI.MODELDEL', 'm:kw']), { status: 'OK' });
    assert.deepEqual(await cli(['EXISTS', 'm:kw']), { integer: 0n });
  });

  for (const name of ['addtwo', 'tuple3', 'listout', 'inplace']) {
    test(`AI.MODELRUN ${name}: outputs stored under the OUTPUTS keys in order, as Python torch computed them`, async () => {
      const fx = torchFixture(name);
      assert.deepEqual(await cli(['AI.MODELSET', `run:${name}`, 'TORCH', 'CPU'], fx.artifact), { status: 'OK' });
      for (const [ci, c] of fx.cases.entries()) {
        const prefix = `run:${name}:${ci}`;
        const inputs = await storeTensors(cli, prefix, c.inputs);
        const outputs = c.outputs.map((_, i) => `${prefix}:out${i}`);
        assert.deepEqual(await cli(['AI.MODELRUN', `run:${name}`, 'INPUTS', ...inputs, 'OUTPUTS', ...outputs]), { status: 'OK' });
        await assertOutputs(cli, outputs, c.outputs, `${name} case ${ci}`);
        // The model writes into its input in place ('inplace'); the stored input must not change.
        for (const [i, key] of inputs.entries()) assert.ok((await cliTensor(cli, key)).blob.equals(c.inputs[i]!.bytes), `${key} unchanged`);
      }
    });
  }

  test('AI.MODELRUN on a traced ResNet-18 matches Python torch; AI.INFO counts samples', async () => {
    const fx = torchFixture('resnet18');
    const c = fx.cases[0]!;
    assert.deepEqual(await cli(['AI.MODELSET', 'resnet', 'TORCH', 'CPU', 'BLOB'], fx.artifact), { status: 'OK' });
    const [image] = await storeTensors(cli, 'resnet', c.inputs);
    assert.deepEqual(await cli(['AI.MODELRUN', 'resnet', 'INPUTS', image!, 'OUTPUTS', 'resnet:logits']), { status: 'OK' });
    await assertOutputs(cli, ['resnet:logits'], c.outputs, 'resnet18', 1e-3);
    const info = await infoFields(cli, 'resnet');
    assert.deepEqual(
      [info[0], info[1], info[2], info[3], info[4], info[5], info[6], info[7], info[10], info[11], info[12], info[13], info[14], info[15]],
      ['KEY', 'resnet', 'TYPE', 'MODEL', 'BACKEND', 'TORCH', 'DEVICE', 'CPU', 'SAMPLES', '1', 'CALLS', '1', 'ERRORS', '0'],
    );
  });

  for (const dtype of TORCH_DTYPES) {
    test(`dtype ${dtype}: in, and cast to every dtype out, exactly as Python torch`, async () => {
      const fx = torchFixture(`dtype_${dtype}`);
      const c = fx.cases[0]!;
      await cli(['AI.MODELSET', `dt:${dtype}`, 'TORCH', 'CPU'], fx.artifact);
      const inputs = await storeTensors(cli, `dt:${dtype}`, c.inputs);
      const outputs = TORCH_DTYPES.map((d) => `dt:${dtype}:as:${d}`);
      assert.deepEqual(await cli(['AI.MODELRUN', `dt:${dtype}`, 'INPUTS', ...inputs, 'OUTPUTS', ...outputs]), { status: 'OK' });
      await assertOutputs(cli, outputs, c.outputs, `dtype_${dtype}`, 0);
    });
  }

  test('a bad or truncated archive is an ERR with the reason; nothing is stored; the server serves on', async () => {
    for (const blob of [Buffer.from('definitely not a TorchScript archive'), addtwo.artifact.subarray(0, addtwo.artifact.length >> 1)]) {
      assertErr(errorOf(await cli(['AI.MODELSET', 'm:bad', 'TORCH', 'CPU'], blob)), 'bad archive', /^ERR PytorchStreamReader/);
      assert.deepEqual(await cli(['EXISTS', 'm:bad']), { integer: 0n });
    }
    await assertAlive();
  });

  test('a GPU model is refused at AI.MODELSET: this libtorch has no CUDA', async () => {
    assertErr(
      errorOf(await cli(['AI.MODELSET', 'm:gpu', 'TORCH', 'GPU'], addtwo.artifact)),
      'GPU',
      /GPU:0 is not available to backend TORCH \(.*CUDA.*\)/,
    );
    assertErr(errorOf(await cli(['AI.MODELSET', 'm:gpu', 'TORCH', 'GPU:1', 'BLOB'], addtwo.artifact)), 'GPU:1', /GPU:1 is not available/);
    assert.deepEqual(await cli(['EXISTS', 'm:gpu']), { integer: 0n });
  });

  test('AI.MODELRUN errors: input count, output count, unsupported dtypes in and out; no partial outputs', async () => {
    await cli(['AI.MODELSET', 'err:add', 'TORCH', 'CPU'], addtwo.artifact);
    const [a, b] = await storeTensors(cli, 'err', addtwo.cases[0]!.inputs);
    assertErr(
      errorOf(await cli(['AI.MODELRUN', 'err:add', 'INPUTS', a!, 'OUTPUTS', 'err:o'])),
      'one input',
      /model expects 2 inputs, got 1/,
    );
    assertErr(
      errorOf(await cli(['AI.MODELRUN', 'err:add', 'INPUTS', a!, b!, 'OUTPUTS', 'err:o', 'err:p'])),
      'two outputs',
      /returned 1 tensor\(s\), but 2 OUTPUTS/,
    );
    await cli(['AI.TENSORSET', 'err:u16', 'UINT16', '2', '3']);
    assertErr(
      errorOf(await cli(['AI.MODELRUN', 'err:add', 'INPUTS', 'err:u16', 'err:u16', 'OUTPUTS', 'err:o'])),
      'UINT16',
      /UINT16 tensors are not supported by the TORCH backend/,
    );
    const half = torchFixture('halfout');
    await cli(['AI.MODELSET', 'err:half', 'TORCH', 'CPU'], half.artifact);
    const [h] = await storeTensors(cli, 'err:half', half.cases[0]!.inputs);
    assertErr(
      errorOf(await cli(['AI.MODELRUN', 'err:half', 'INPUTS', h!, 'OUTPUTS', 'err:o'])),
      'half output',
      /dtype Half, which modelkv tensors cannot hold/,
    );
    assert.deepEqual(await cli(['EXISTS', 'err:o', 'err:p']), { integer: 0n });
    await assertAlive();
  });
});

describe('redis-cli: TorchScript scripts', () => {
  const functions = torchFixture('functions');
  const source = functions.artifact.toString('utf8');

  test('AI.SCRIPTSET from stdin answers OK; AI.SCRIPTGET returns [device, source]; TYPE is AI_SCRIPT', async () => {
    assert.deepEqual(await cli(['AI.SCRIPTSET', 's:fns', 'CPU'], functions.artifact), { status: 'OK' });
    const reply = asArray(await cli(['AI.SCRIPTGET', 's:fns']));
    assert.equal(reply.length, 2, show(reply));
    assert.equal(word(reply[0]), 'CPU');
    // redis-cli -x sends stdin as it is; the stored source is returned byte for byte.
    assert.equal(word(reply[1]), source);
    assert.deepEqual(await cli(['TYPE', 's:fns']), { status: 'AI_SCRIPT' });
  });

  test('AI.SCRIPTRUN on each function matches Python torch on the same source', async () => {
    for (const [ci, c] of functions.cases.entries()) {
      const prefix = `s:fns:${ci}`;
      const inputs = await storeTensors(cli, prefix, c.inputs);
      const outputs = c.outputs.map((_, i) => `${prefix}:out${i}`);
      assert.deepEqual(
        await cli(['AI.SCRIPTRUN', 's:fns', c.function!, 'INPUTS', ...inputs, 'OUTPUTS', ...outputs]),
        { status: 'OK' },
        c.function,
      );
      await assertOutputs(cli, outputs, c.outputs, c.function!);
    }
  });

  test('AI.INFO on a script: 16 fields, TYPE SCRIPT, BACKEND TORCH, SAMPLES -1; RESETSTAT', async () => {
    const c = functions.cases[0]!;
    await cli(['AI.SCRIPTSET', 's:info', 'CPU', source]);
    const inputs = await storeTensors(cli, 's:info', c.inputs);
    await cli(['AI.SCRIPTRUN', 's:info', c.function!, 'INPUTS', ...inputs, 'OUTPUTS', 's:info:out']);
    assertErr(errorOf(await cli(['AI.SCRIPTRUN', 's:info', c.function!, 'INPUTS', inputs[0]!, 'OUTPUTS', 's:info:out'])), 'one input');
    const info = await infoFields(cli, 's:info');
    assert.equal(info.length, 16, info.join(' '));
    assert.deepEqual(
      [
        info[0],
        info[1],
        info[2],
        info[3],
        info[4],
        info[5],
        info[6],
        info[7],
        info[8],
        info[10],
        info[11],
        info[12],
        info[13],
        info[14],
        info[15],
      ],
      ['KEY', 's:info', 'TYPE', 'SCRIPT', 'BACKEND', 'TORCH', 'DEVICE', 'CPU', 'DURATION', 'SAMPLES', '-1', 'CALLS', '2', 'ERRORS', '1'],
    );
    assert.deepEqual(await cli(['AI.INFO', 's:info', 'RESETSTAT']), { status: 'OK' });
    const reset = await infoFields(cli, 's:info');
    assert.deepEqual([reset[9], reset[13], reset[15]], ['0', '0', '0']);
  });

  test("a compile error is an ERR with TorchScript's reason, line and column (those Python torch gives); nothing stored", async () => {
    const bad = torchFixture('compile_error');
    const error = bad.extra.error as { reason: string; line: number; column: number };
    const reply = errorOf(await cli(['AI.SCRIPTSET', 's:bad', 'CPU'], bad.artifact));
    assertErr(reply, 'compile error', /^ERR .* at line \d+, column \d+/);
    assert.ok(reply!.includes(error.reason), reply);
    assert.ok(reply!.includes(`line ${error.line}, column ${error.column}`), reply);
    assert.deepEqual(await cli(['EXISTS', 's:bad']), { integer: 0n });
  });

  test('unknown function, wrong input count, an exception raised in the script and a failing allocation are ERR; the server serves on', async () => {
    const raises = torchFixture('raises');
    const error = raises.extra.error as { function: string; message: string };
    await cli(['AI.SCRIPTSET', 's:raise', 'CPU'], raises.artifact);
    const inputs = await storeTensors(cli, 's:raise', raises.cases[0]!.inputs);
    assertErr(
      errorOf(await cli(['AI.SCRIPTRUN', 's:raise', 'nope', 'INPUTS', ...inputs, 'OUTPUTS', 'x'])),
      'unknown function',
      /function 'nope' is not defined/,
    );
    assertErr(
      errorOf(await cli(['AI.SCRIPTRUN', 's:raise', 'identity', 'INPUTS', inputs[0]!, inputs[0]!, 'OUTPUTS', 'x'])),
      'two inputs',
      /Expected at most 1 argument/,
    );
    const raised = errorOf(await cli(['AI.SCRIPTRUN', 's:raise', error.function, 'INPUTS', ...inputs, 'OUTPUTS', 'x']));
    assertErr(raised, 'raise');
    assert.ok(raised!.endsWith(error.message), `${raised} ends with Python torch's '${error.message}'`);
    const alloc = raises.extra.allocation as { function: string; message: string };
    const failed = errorOf(await cli(['AI.SCRIPTRUN', 's:raise', alloc.function, 'INPUTS', ...inputs, 'OUTPUTS', 'x']));
    assertErr(failed, 'failing allocation', /can't allocate memory/);
    assert.ok(failed!.endsWith(alloc.message), `${failed} ends with Python torch's '${alloc.message}'`);
    assert.deepEqual(await cli(['EXISTS', 'x']), { integer: 0n });
    assert.deepEqual(await cli(['AI.SCRIPTRUN', 's:raise', 'identity', 'INPUTS', ...inputs, 'OUTPUTS', 'x']), { status: 'OK' });
    await assertAlive();
  });

  test('AI.SCRIPTDEL removes a script; wrong kinds of key are WRONGTYPE', async () => {
    await cli(['AI.SCRIPTSET', 's:del', 'CPU', source]);
    assert.deepEqual(await cli(['AI.SCRIPTDEL', 's:del']), { status: 'OK' });
    assert.deepEqual(await cli(['EXISTS', 's:del']), { integer: 0n });
    assertErr(errorOf(await cli(['AI.SCRIPTGET', 's:del'])), 'deleted');
    await cli(['AI.TENSORSET', 's:tensor', 'FLOAT', '1']);
    assertErr(errorOf(await cli(['AI.SCRIPTGET', 's:tensor'])), 'tensor key', undefined, 'WRONGTYPE');
    assertErr(
      errorOf(await cli(['AI.SCRIPTRUN', 's:tensor', 'f', 'INPUTS', 's:tensor', 'OUTPUTS', 'x'])),
      'run a tensor',
      undefined,
      'WRONGTYPE',
    );
    await cli(['AI.SCRIPTSET', 's:fns2', 'CPU', source]);
    assertErr(errorOf(await cli(['AI.MODELGET', 's:fns2'])), 'model command on a script', undefined, 'WRONGTYPE');
  });

  test('AI.SCRIPTSET on GPU is refused at SET time: this libtorch has no CUDA', async () => {
    assertErr(errorOf(await cli(['AI.SCRIPTSET', 's:gpu', 'GPU', source])), 'GPU', /GPU:0 is not available to backend TORCH \(.*CUDA.*\)/);
    assert.deepEqual(await cli(['EXISTS', 's:gpu']), { integer: 0n });
  });
});
