// The examples of RedisAI 1.2's command reference (docs/commands.md), sent through redis-cli to a
// server in 1.2 mode, its output compared with the documentation's text character for
// character. Where an example needs a model or script the reference does not ship, ours stands
// in (TF: e2e/fixtures/tf/make_mul.py, inputs a and b, output c). Where the documentation's
// transcript differs from what RedisAI 1.2's code replies, the code wins, and the difference is
// named beside the example.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TF_MUL } from '../src/dialect-cases.js';
import { modelsDir } from '../src/fixtures.js';
import { useServer } from '../src/file-server.js';
import { redisCli } from '../src/harness.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS } from './torch-fixtures.js';

const server = useServer({ args: ['--redisai-compat', '1.2', ...ONNX_BACKEND_ARGS, ...TF_BACKEND_ARGS, ...TORCH_BACKEND_ARGS] });

/** Runs `redis> <command>` (the last word may be a file, sent with -x) and compares the printed reply. */
async function example(command: string[], printed: string, file?: string): Promise<void> {
  const r = await redisCli(server.port, file ? ['-x', ...command] : command, file ? readFileSync(file) : undefined);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${printed}\n`, `redis> ${command.join(' ')}`);
}

const ONNX_TWO_OUTPUTS = join(modelsDir('onnx'), 'two_outputs.onnx');
const ENTRY_POINT_ADDTWO = 'def addtwo(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n';

describe('RedisAI 1.2 documentation examples, through redis-cli', () => {
  test('AI.TENSORSET and AI.TENSORGET', async () => {
    await example(['AI.TENSORSET', 'mytensor', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4'], 'OK');
    await example(
      ['AI.TENSORGET', 'mytensor', 'META'],
      ['1) "dtype"', '2) "FLOAT"', '3) "shape"', '4) 1) (integer) 2', '   2) (integer) 2'].join('\n'),
    );
    await example(['AI.TENSORGET', 'mytensor', 'VALUES'], ['1) "1"', '2) "2"', '3) "3"', '4) "4"'].join('\n'));
    await example(['AI.TENSORGET', 'mytensor', 'BLOB'], '"\\x00\\x00\\x80?\\x00\\x00\\x00@\\x00\\x00@@\\x00\\x00\\x80@"');
    await example(
      ['AI.TENSORGET', 'mytensor', 'META', 'VALUES'],
      [
        '1) "dtype"',
        '2) "FLOAT"',
        '3) "shape"',
        '4) 1) (integer) 2',
        '   2) (integer) 2',
        '5) "values"',
        '6) 1) "1"',
        '   2) "2"',
        '   3) "3"',
        '   4) "4"',
      ].join('\n'),
    );
    await example(
      ['AI.TENSORGET', 'mytensor', 'META', 'BLOB'],
      [
        '1) "dtype"',
        '2) "FLOAT"',
        '3) "shape"',
        '4) 1) (integer) 2',
        '   2) (integer) 2',
        '5) "blob"',
        '6) "\\x00\\x00\\x80?\\x00\\x00\\x00@\\x00\\x00@@\\x00\\x00\\x80@"',
      ].join('\n'),
    );
  });

  test('AI.MODELSTORE, AI.MODELGET META, AI.MODELEXECUTE, AI._MODELSCAN, AI.MODELDEL', async () => {
    await example(
      ['AI.MODELSTORE', 'mymodel', 'TF', 'CPU', 'TAG', 'imagenet:5.0', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'BLOB'],
      'OK',
      TF_MUL,
    );
    await example(
      ['AI.MODELGET', 'mymodel', 'META'],
      [
        ' 1) "backend"',
        ' 2) "TF"',
        ' 3) "device"',
        ' 4) "CPU"',
        ' 5) "tag"',
        ' 6) "imagenet:5.0"',
        ' 7) "batchsize"',
        ' 8) (integer) 0',
        ' 9) "minbatchsize"',
        '10) (integer) 0',
        '11) "inputs"',
        '12) 1) "a"',
        '    2) "b"',
        '13) "outputs"',
        '14) 1) "c"',
        '15) "minbatchtimeout"',
        '16) (integer) 0',
      ].join('\n'),
    );
    await example(['AI.TENSORSET', 'a', 'FLOAT', '2', '3', 'VALUES', '1', '2', '3', '4', '5', '6'], 'OK');
    await example(['AI.TENSORSET', 'b', 'FLOAT', '2', '3', 'VALUES', '2', '2', '2', '2', '2', '2'], 'OK');
    // The reference runs a one-input, two-output model here; ours has two inputs and one output.
    await example(['AI.MODELEXECUTE', 'mymodel', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c'], 'OK');
    // The documentation prints the tag unquoted; RedisAI 1.2 replies it as a bulk string, which redis-cli quotes.
    await example(['AI._MODELSCAN'], ['1) 1) "mymodel"', '   2) "imagenet:5.0"'].join('\n'));
    await example(['AI.MODELDEL', 'mymodel'], 'OK');
  });

  test('AI.SCRIPTSTORE, AI._SCRIPTSCAN, AI.SCRIPTGET, AI.SCRIPTDEL', async () => {
    await example(
      ['AI.SCRIPTSTORE', 'myscript', 'CPU', 'TAG', 'myscript:v0.1', 'ENTRY_POINTS', '1', 'addtwo', 'SOURCE', ENTRY_POINT_ADDTWO],
      'OK',
    );
    await example(['AI._SCRIPTSCAN'], ['1) 1) "myscript"', '   2) "myscript:v0.1"'].join('\n'));
    // RedisAI 1.2.5 on lists the entry points ("Entry Points") between the tag and the source;
    // the documentation's example, of a script without them, does not.
    await example(
      ['AI.SCRIPTGET', 'myscript'],
      [
        '1) "device"',
        '2) "CPU"',
        '3) "tag"',
        '4) "myscript:v0.1"',
        '5) "Entry Points"',
        '6) 1) "addtwo"',
        '7) "source"',
        `8) ${JSON.stringify(ENTRY_POINT_ADDTWO)}`,
      ].join('\n'),
    );
    await example(['AI.SCRIPTDEL', 'myscript'], 'OK');
    await example(['AI.SCRIPTSET', 'myscript', 'CPU', 'TAG', 'myscript:v0.1', 'SOURCE', 'def addtwo(a, b):\n    return a + b\n'], 'OK');
    await example(
      ['AI.SCRIPTGET', 'myscript'],
      ['1) "device"', '2) "CPU"', '3) "tag"', '4) "myscript:v0.1"', '5) "source"', '6) "def addtwo(a, b):\\n    return a + b\\n"'].join(
        '\n',
      ),
    );
    await example(['AI.SCRIPTDEL', 'myscript'], 'OK');
  });

  test('AI.INFO and RESETSTAT', async () => {
    await example(['AI.SCRIPTSET', 'myscript', 'CPU', 'SOURCE', 'def addtwo(a, b):\n    return a + b\n'], 'OK');
    await example(['AI.TENSORSET', 'mytensor1', 'FLOAT', '1', 'VALUES', '40'], 'OK');
    await example(['AI.TENSORSET', 'mytensor2', 'FLOAT', '1', 'VALUES', '2'], 'OK');
    await example(['AI.SCRIPTRUN', 'myscript', 'addtwo', 'INPUTS', 'mytensor1', 'mytensor2', 'OUTPUTS', 'result'], 'OK');
    await example(['AI.TENSORGET', 'result', 'VALUES'], '1) "42"');
    const r = await redisCli(server.port, ['AI.INFO', 'myscript']);
    // The duration varies; RedisAI 1.2's code also replies the tag, which the example omits.
    assert.match(
      r.stdout,
      /^ 1\) "key"\n 2\) "myscript"\n 3\) "type"\n 4\) "SCRIPT"\n 5\) "backend"\n 6\) "TORCH"\n 7\) "device"\n 8\) "CPU"\n 9\) "tag"\n10\) ""\n11\) "duration"\n12\) \(integer\) \d+\n13\) "samples"\n14\) \(integer\) -1\n15\) "calls"\n16\) \(integer\) 1\n17\) "errors"\n18\) \(integer\) 0\n$/,
    );
    await example(['AI.INFO', 'myscript', 'RESETSTAT'], 'OK');
  });

  test('AI.DAGEXECUTE', async () => {
    // One input, two outputs (the row maximum, doubled, and its index), as the example's model;
    // ours takes rows of 7. The documentation prints the TENSORGET step in 0.9's shape; 1.2's
    // code replies the values.
    await example(['AI.MODELSTORE', 'mymodel', 'ONNX', 'CPU', 'BLOB'], 'OK', ONNX_TWO_OUTPUTS);
    await example(
      [
        'AI.DAGEXECUTE',
        'PERSIST',
        '1',
        'predictions',
        '|>',
        'AI.TENSORSET',
        'mytensor',
        'FLOAT',
        '1',
        '7',
        'VALUES',
        '5',
        '10',
        '1',
        '2',
        '3',
        '4',
        '0',
        '|>',
        'AI.MODELEXECUTE',
        'mymodel',
        'INPUTS',
        '1',
        'mytensor',
        'OUTPUTS',
        '2',
        'classes',
        'predictions',
        '|>',
        'AI.TENSORGET',
        'predictions',
        'VALUES',
      ],
      ['1) OK', '2) OK', '3) 1) (integer) 1'].join('\n'),
    );
    // Only PERSIST reaches the keyspace: `mytensor` is still the first test's 2x2 tensor.
    await example(['EXISTS', 'predictions', 'classes'], '(integer) 1');
    await example(
      ['AI.TENSORGET', 'mytensor', 'META'],
      ['1) "dtype"', '2) "FLOAT"', '3) "shape"', '4) 1) (integer) 2', '   2) (integer) 2'].join('\n'),
    );
  });

  test('AI.CONFIG', async () => {
    await example(['AI.CONFIG', 'BACKENDSPATH', '/usr/lib/redis/modules/redisai/backends'], 'OK');
    await example(['AI.CONFIG', 'MODEL_CHUNK_SIZE', '1048576'], 'OK');
    await example(['AI.CONFIG', 'GET', 'MODEL_CHUNK_SIZE'], '(integer) 1048576');
  });
});
