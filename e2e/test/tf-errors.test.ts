// What the TF backend refuses, through redis-cli: each an ERR reply naming the reason, nothing
// stored, and the server goes on serving.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { cliFor, cliTensor, errorOf } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { TF_BACKEND_ARGS, tfFile, tfFixture } from './tf-fixtures.js';

const cli = cliFor(useServer({ args: TF_BACKEND_ARGS }));

async function refusedModelSet(key: string, args: string[], blob: Buffer, reason: RegExp): Promise<void> {
  const reply = await cli(['AI.MODELSET', key, 'TF', ...args], blob);
  assert.match(errorOf(reply) ?? `not an error: ${JSON.stringify(reply)}`, reason);
  assert.deepEqual(await cli(['EXISTS', key]), { integer: 0n }, `${key} must not be stored`);
}

describe('redis-cli: AI.MODELSET refusals', () => {
  const mul = () => tfFixture('mul').model;

  test('INPUTS missing, OUTPUTS missing, both missing', async () => {
    // RedisAI 0.9's words.
    const missing = /^ERR Insufficient arguments, INPUTS and OUTPUTS not specified$/;
    await refusedModelSet('e:noin', ['CPU', 'OUTPUTS', 'c'], mul(), missing);
    await refusedModelSet('e:noout', ['CPU', 'INPUTS', 'a', 'b'], mul(), missing);
    await refusedModelSet('e:none', ['CPU'], mul(), missing);
  });

  test('a name that is not a node of the graph, an output index the node does not have', async () => {
    await refusedModelSet('e:name', ['CPU', 'INPUTS', 'a', 'nope', 'OUTPUTS', 'c'], mul(), /^ERR .*'nope' is not a node of the graph/);
    await refusedModelSet('e:out', ['CPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'missing'], mul(), /^ERR .*'missing' is not a node/);
    await refusedModelSet('e:index', ['CPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c:3'], mul(), /^ERR .*node 'c' has 1 output/);
  });

  test("a blob that is not a GraphDef, with TensorFlow's reason; a truncated one", async () => {
    await refusedModelSet(
      'e:junk',
      ['CPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'],
      Buffer.from('definitely not a protobuf\n'),
      /^ERR .*not a TensorFlow GraphDef: Invalid GraphDef/,
    );
    await refusedModelSet('e:onnx', ['CPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff]), /^ERR /);
    const cnn = tfFixture('cnn').model;
    await refusedModelSet('e:trunc', ['CPU', 'INPUTS', 'x', 'OUTPUTS', 'Identity'], cnn.subarray(0, Math.floor(cnn.length / 2)), /^ERR /);
  });

  test('a graph whose input is a dtype modelkv tensors cannot hold (HALF)', async () => {
    await refusedModelSet('e:half', ['CPU', 'INPUTS', 'x', 'OUTPUTS', 'y'], tfFile('half.pb'), /^ERR .*TensorFlow type half/);
  });

  test('GPU and GPU:1 on a libtensorflow that sees no GPU', async (t) => {
    const probe = await cli(['AI.MODELSET', 'e:gpu', 'TF', 'GPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], mul());
    if (errorOf(probe) === undefined) {
      await cli(['DEL', 'e:gpu']);
      t.skip('this libtensorflow sees a GPU');
      return;
    }
    assert.match(errorOf(probe)!, /^ERR device GPU:0 is not available to backend TF \(libtensorflow .* sees no GPU/);
    await refusedModelSet('e:gpu1', ['GPU:1', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], mul(), /^ERR device GPU:1 is not available/);
  });
});

describe('redis-cli: AI.MODELRUN refusals', () => {
  before(async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'r:mul', 'TF', 'CPU', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'], tfFixture('mul').model), {
      status: 'OK',
    });
    await cli(['AI.TENSORSET', 'r:f2', 'FLOAT', '2', 'VALUES', '1', '2']);
    await cli(['AI.TENSORSET', 'r:f3', 'FLOAT', '3', 'VALUES', '1', '2', '3']);
    await cli(['AI.TENSORSET', 'r:i2', 'INT32', '2', 'VALUES', '1', '2']);
  });

  test('an input of the wrong dtype', async () => {
    const reply = await cli(['AI.MODELRUN', 'r:mul', 'INPUTS', 'r:f2', 'r:i2', 'OUTPUTS', 'r:out']);
    assert.match(errorOf(reply) ?? '', /^ERR input 1 \('b'\) must be FLOAT, got INT32/);
  });

  test('shapes the graph rejects, with TensorFlow’s message', async () => {
    const reply = await cli(['AI.MODELRUN', 'r:mul', 'INPUTS', 'r:f2', 'r:f3', 'OUTPUTS', 'r:out']);
    assert.match(errorOf(reply) ?? '', /^ERR .*Incompatible shapes: \[2\] vs\. \[3\]/);
  });

  test('too few inputs, too many outputs', async () => {
    // Counted against the names given to MODELSET, with RedisAI 0.9's words.
    assert.equal(
      errorOf(await cli(['AI.MODELRUN', 'r:mul', 'INPUTS', 'r:f2', 'OUTPUTS', 'r:out'])),
      'ERR Number of names given as INPUTS during MODELSET and keys given as INPUTS here do not match',
    );
    assert.equal(
      errorOf(await cli(['AI.MODELRUN', 'r:mul', 'INPUTS', 'r:f2', 'r:f2', 'OUTPUTS', 'r:o1', 'r:o2'])),
      'ERR Number of names given as OUTPUTS during MODELSET and keys given as OUTPUTS here do not match',
    );
  });

  test('nothing was stored by the failed runs; the server still answers and runs the graph', async () => {
    assert.deepEqual(await cli(['EXISTS', 'r:out', 'r:o1', 'r:o2']), { integer: 0n });
    assert.deepEqual(await cli(['PING']), { status: 'PONG' });
    assert.deepEqual(await cli(['AI.MODELRUN', 'r:mul', 'INPUTS', 'r:f2', 'r:f2', 'OUTPUTS', 'r:out']), { status: 'OK' });
    const out = await cliTensor(cli, 'r:out');
    assert.deepEqual(out.shape, [2]);
    assert.deepEqual([out.blob.readFloatLE(0), out.blob.readFloatLE(4)], [1, 4]);
  });
});
