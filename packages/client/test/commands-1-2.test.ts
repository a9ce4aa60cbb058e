import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SimpleError } from '@redis/client';
import CONFIG_GET from '../src/commands/CONFIG_GET.js';
import CONFIG_SET from '../src/commands/CONFIG_SET.js';
import DAGEXECUTE from '../src/commands/DAGEXECUTE.js';
import DAGEXECUTE_RO from '../src/commands/DAGEXECUTE_RO.js';
import INFO from '../src/commands/INFO.js';
import MODELEXECUTE from '../src/commands/MODELEXECUTE.js';
import MODELGET from '../src/commands/MODELGET.js';
import MODELGET_META from '../src/commands/MODELGET_META.js';
import MODELSCAN from '../src/commands/MODELSCAN.js';
import MODELSET from '../src/commands/MODELSET.js';
import MODELSTORE from '../src/commands/MODELSTORE.js';
import SCRIPTEXECUTE from '../src/commands/SCRIPTEXECUTE.js';
import SCRIPTGET from '../src/commands/SCRIPTGET.js';
import SCRIPTGET_META from '../src/commands/SCRIPTGET_META.js';
import SCRIPTSCAN from '../src/commands/SCRIPTSCAN.js';
import SCRIPTSET from '../src/commands/SCRIPTSET.js';
import SCRIPTSTORE from '../src/commands/SCRIPTSTORE.js';
import TENSORGET from '../src/commands/TENSORGET.js';
import { Dag } from '../src/dag.js';
import { KeyNotFoundError, ModelkvError, UnexpectedReplyError } from '../src/errors.js';
import { text, wire } from './wire.js';

describe('AI.MODELSTORE', () => {
  test('tag, batching, counted node names, then BLOB and the chunks', () => {
    const w = wire(MODELSTORE, 'm', {
      backend: 'TF',
      device: 'CPU',
      tag: 'v1',
      batching: { batchSize: 8, minBatchSize: 2, minBatchTimeout: 50 },
      inputs: ['a', 'b'],
      outputs: ['c'],
      blob: [Buffer.from('gr'), new Uint8Array([0x61, 0x70, 0x68])],
    });
    assert.deepEqual(text(w.args), [
      'AI.MODELSTORE',
      'm',
      'TF',
      'CPU',
      'TAG',
      'v1',
      'BATCHSIZE',
      '8',
      'MINBATCHSIZE',
      '2',
      'MINBATCHTIMEOUT',
      '50',
      'INPUTS',
      '2',
      'a',
      'b',
      'OUTPUTS',
      '1',
      'c',
      'BLOB',
      '<6772>',
      '<617068>',
    ]);
    assert.deepEqual(w.keys, ['m']);
  });

  test('a whole blob is one argument; unset options are left out; BATCHSIZE 0 sends nothing', () => {
    const blob = Buffer.from([1, 2]);
    assert.deepEqual(wire(MODELSTORE, 'm', { backend: 'ONNX', device: 'GPU', batching: { batchSize: 0 }, blob }).args, [
      'AI.MODELSTORE',
      'm',
      'ONNX',
      'GPU',
      'BLOB',
      blob,
    ]);
    assert.deepEqual(text(wire(MODELSTORE, 'm', { backend: 'TORCH', device: 'CPU', batching: { batchSize: 4 }, blob }).args).slice(4), [
      'BATCHSIZE',
      '4',
      'BLOB',
      '<0102>',
    ]);
    // A timeout needs MINBATCHSIZE before it on the wire.
    assert.deepEqual(
      text(wire(MODELSTORE, 'm', { backend: 'TORCH', device: 'CPU', batching: { batchSize: 4, minBatchTimeout: 10 }, blob }).args).slice(
        4,
        10,
      ),
      ['BATCHSIZE', '4', 'MINBATCHSIZE', '0', 'MINBATCHTIMEOUT', '10'],
    );
  });

  test('AI.MODELSET takes TAG and the batching options before its node names', () => {
    const blob = Buffer.from('x');
    const w = wire(MODELSET, 'm', { backend: 'TF', device: 'CPU', tag: 't', batching: { batchSize: 2 }, inputs: ['a'], blob });
    assert.deepEqual(text(w.args), ['AI.MODELSET', 'm', 'TF', 'CPU', 'TAG', 't', 'BATCHSIZE', '2', 'INPUTS', 'a', '<78>']);
  });
});

describe('AI.MODELEXECUTE and AI.SCRIPTEXECUTE', () => {
  test('MODELEXECUTE counts its keys and puts TIMEOUT last', () => {
    const w = wire(MODELEXECUTE, 'm', { inputs: ['a', 'b'], outputs: ['c'], timeout: 100 });
    assert.deepEqual(w.args, ['AI.MODELEXECUTE', 'm', 'INPUTS', '2', 'a', 'b', 'OUTPUTS', '1', 'c', 'TIMEOUT', '100']);
    assert.deepEqual(w.keys, ['m', 'a', 'b', 'c']);
  });

  test('SCRIPTEXECUTE: KEYS, INPUTS, ARGS, OUTPUTS in that order, only those given; ARGS are no keys', () => {
    const w = wire(SCRIPTEXECUTE, 's', 'bar', { keys: ['k'], inputs: ['a'], args: ['x', 3], outputs: ['c'], timeout: 5 });
    assert.deepEqual(w.args, [
      'AI.SCRIPTEXECUTE',
      's',
      'bar',
      'KEYS',
      '1',
      'k',
      'INPUTS',
      '1',
      'a',
      'ARGS',
      '2',
      'x',
      '3',
      'OUTPUTS',
      '1',
      'c',
      'TIMEOUT',
      '5',
    ]);
    assert.deepEqual(w.keys, ['s', 'k', 'a', 'c']);
    assert.deepEqual(wire(SCRIPTEXECUTE, 's', 'f', { inputs: ['a'] }).args, ['AI.SCRIPTEXECUTE', 's', 'f', 'INPUTS', '1', 'a']);
  });
});

describe('AI.SCRIPTSTORE and AI.SCRIPTSET', () => {
  test('SCRIPTSTORE: TAG, counted entry points, SOURCE', () => {
    const w = wire(SCRIPTSTORE, 's', { device: 'CPU', tag: 'v2', entryPoints: ['bar', 'baz'], source: 'src' });
    assert.deepEqual(w.args, ['AI.SCRIPTSTORE', 's', 'CPU', 'TAG', 'v2', 'ENTRY_POINTS', '2', 'bar', 'baz', 'SOURCE', 'src']);
  });

  test('SCRIPTSET sends TAG only when given', () => {
    assert.deepEqual(wire(SCRIPTSET, 's', { device: 'CPU', tag: 't', source: 'src' }).args, [
      'AI.SCRIPTSET',
      's',
      'CPU',
      'TAG',
      't',
      'src',
    ]);
  });
});

const b = (s: string): Buffer => Buffer.from(s);

describe('both reply shapes', () => {
  test('TENSORGET: the 1.2 form sends META with the format, and field/value replies read like v0.9 ones', () => {
    assert.deepEqual(wire(TENSORGET, 't', 'VALUES', '1.2').args, ['AI.TENSORGET', 't', 'META', 'VALUES']);
    assert.deepEqual(wire(TENSORGET, 't', 'META', '1.2').args, ['AI.TENSORGET', 't', 'META']);
    assert.deepEqual(wire(TENSORGET, 't', 'BLOB', '0.9').args, ['AI.TENSORGET', 't', 'BLOB']);
    const blob = Buffer.from(new Float32Array([1, 2]).buffer);
    const t = TENSORGET.transformReply([b('dtype'), b('FLOAT'), b('shape'), ['1', '2'], b('blob'), blob], 'BLOB');
    assert.deepEqual(t, { dtype: 'FLOAT', shape: [1, 2], data: new Float32Array([1, 2]) });
    const v = TENSORGET.transformReply(['dtype', 'INT64', 'shape', [2], 'values', ['9007199254740993', '-1']], 'VALUES');
    assert.deepEqual(v, { dtype: 'INT64', shape: [2], data: [9007199254740993n, -1n] });
    assert.deepEqual(TENSORGET.transformReply(['dtype', 'UINT8', 'shape', [3]], 'META'), { dtype: 'UINT8', shape: [3] });
  });

  const meta = ['backend', 'TORCH', 'device', 'CPU', 'tag', 'v1', 'batchsize', 4, 'minbatchsize', 2, 'inputs', [], 'outputs', []];
  const settings = {
    backend: 'TORCH',
    device: 'CPU',
    tag: 'v1',
    batching: { batchSize: 4, minBatchSize: 2, minBatchTimeout: 0 },
    inputs: [],
    outputs: [],
  };

  test('MODELGET: v0.9 positional, or 1.2 settings with the blob whole or in chunks', () => {
    assert.deepEqual(wire(MODELGET, 'm', '1.2').args, ['AI.MODELGET', 'm', 'META', 'BLOB']);
    assert.deepEqual(wire(MODELGET_META, 'm').args, ['AI.MODELGET', 'm', 'META']);
    const full = [...meta, 'minbatchtimeout', '0', 'blob', [b('ab'), b('c')]];
    assert.deepEqual(MODELGET.transformReply(full), { ...settings, blob: b('abc') });
    assert.deepEqual(MODELGET.transformReply(['TF', 'CPU', b('graph')]), { backend: 'TF', device: 'CPU', blob: b('graph') });
    assert.deepEqual(MODELGET_META.transformReply([...meta, 'minbatchtimeout', 0]), settings);
    assert.throws(() => MODELGET_META.transformReply(meta), /no minbatchtimeout field/);
    assert.throws(() => MODELGET.transformReply([...meta, 'minbatchtimeout', 0, 'blob', 'text']), UnexpectedReplyError);
  });

  test('SCRIPTGET: v0.9 positional, or 1.2 fields with or without entry points', () => {
    assert.deepEqual(wire(SCRIPTGET, 's', '1.2').args, ['AI.SCRIPTGET', 's', 'META', 'SOURCE']);
    assert.deepEqual(wire(SCRIPTGET_META, 's').args, ['AI.SCRIPTGET', 's', 'META']);
    assert.deepEqual(SCRIPTGET.transformReply(['CPU', b('src')]), { device: 'CPU', source: 'src' });
    assert.deepEqual(SCRIPTGET.transformReply(['device', 'CPU', 'tag', 't', 'Entry Points', ['bar'], 'source', b('src')]), {
      device: 'CPU',
      tag: 't',
      entryPoints: ['bar'],
      source: 'src',
    });
    assert.deepEqual(SCRIPTGET_META.transformReply(['device', 'GPU:1', 'tag', '']), { device: 'GPU:1', tag: '', entryPoints: [] });
  });

  test('INFO: 1.2 names in lower case with the tag', () => {
    const reply = [
      'key',
      'm',
      'type',
      'MODEL',
      'backend',
      'ONNX',
      'device',
      'CPU',
      'tag',
      'v3',
      'duration',
      5,
      'samples',
      1,
      'calls',
      1,
      'errors',
      0,
    ];
    assert.deepEqual(INFO.transformReply(reply), {
      key: 'm',
      type: 'MODEL',
      backend: 'ONNX',
      device: 'CPU',
      tag: 'v3',
      duration: 5,
      samples: 1,
      calls: 1,
      errors: 0,
    });
  });
});

describe('scans and AI.CONFIG', () => {
  test('_MODELSCAN and _SCRIPTSCAN list keys with tags', () => {
    assert.deepEqual(wire(MODELSCAN).args, ['AI._MODELSCAN']);
    assert.deepEqual(wire(SCRIPTSCAN).args, ['AI._SCRIPTSCAN']);
    assert.deepEqual(
      MODELSCAN.transformReply([
        [b('m1'), b('')],
        [b('m2'), b('v2')],
      ]),
      [
        { key: 'm1', tag: '' },
        { key: 'm2', tag: 'v2' },
      ],
    );
  });

  test('CONFIG GET reads numbers and paths; CONFIG <NAME> value sets', () => {
    assert.deepEqual(wire(CONFIG_GET, 'MODEL_CHUNK_SIZE').args, ['AI.CONFIG', 'GET', 'MODEL_CHUNK_SIZE']);
    assert.deepEqual(wire(CONFIG_SET, 'THREADS_PER_QUEUE', 4).args, ['AI.CONFIG', 'THREADS_PER_QUEUE', '4']);
    assert.equal(CONFIG_GET.transformReply('511'), 511);
    assert.equal(CONFIG_GET.transformReply(511), 511);
    assert.equal(CONFIG_GET.transformReply(b('/opt/backends')), '/opt/backends');
    assert.equal(CONFIG_GET.transformReply(null), null);
  });
});

describe('DAGs', () => {
  test('the header, then each step after |>; step keys are no keys of the keyspace', () => {
    const dag = new Dag({ load: ['a'], persist: ['c'], keys: ['k'], routing: 'r', timeout: 50 })
      .tensorSet('b', { dtype: 'FLOAT', shape: [1], data: [2] })
      .modelExecute('m', { inputs: ['a', 'b'], outputs: ['c'] })
      .scriptExecute('s', 'bar', { inputs: ['c'], args: ['1'], outputs: ['d'] })
      .tensorGet('d', 'VALUES')
      .tensorGet('c')
      .tensorGet('c', 'META');
    const w = wire(DAGEXECUTE, dag.request());
    assert.deepEqual(w.args, [
      'AI.DAGEXECUTE',
      'LOAD',
      '1',
      'a',
      'PERSIST',
      '1',
      'c',
      'KEYS',
      '1',
      'k',
      'ROUTING',
      'r',
      'TIMEOUT',
      '50',
      '|>',
      'AI.TENSORSET',
      'b',
      'FLOAT',
      '1',
      'VALUES',
      '2',
      '|>',
      'AI.MODELEXECUTE',
      'm',
      'INPUTS',
      '2',
      'a',
      'b',
      'OUTPUTS',
      '1',
      'c',
      '|>',
      'AI.SCRIPTEXECUTE',
      's',
      'bar',
      'INPUTS',
      '1',
      'c',
      'ARGS',
      '1',
      '1',
      'OUTPUTS',
      '1',
      'd',
      '|>',
      'AI.TENSORGET',
      'd',
      'META',
      'VALUES',
      '|>',
      'AI.TENSORGET',
      'c',
      'META',
      'BLOB',
      '|>',
      'AI.TENSORGET',
      'c',
      'META',
    ]);
    assert.deepEqual(w.keys, ['a', 'c', 'k', 'r']);
    assert.deepEqual(w.preserve, [null, null, null, 'VALUES', 'BLOB', 'META']);
    assert.equal(wire(DAGEXECUTE_RO, new Dag({ load: ['a'] }).tensorGet('a').request()).args[0], 'AI.DAGEXECUTE_RO');
  });

  test('replies: OK, tensors, errors as typed errors, NA after a failure, or TIMEDOUT', () => {
    const reply = DAGEXECUTE.transformReply(
      ['OK', ['dtype', 'FLOAT', 'shape', [1], 'values', ['2']], new SimpleError('ERR tensor key is empty'), 'NA', 'NA'],
      [null, 'VALUES', null, 'BLOB', null],
    );
    assert.ok(Array.isArray(reply));
    assert.equal(reply[0], 'OK');
    assert.deepEqual(reply[1], { dtype: 'FLOAT', shape: [1], data: [2] });
    assert.ok(reply[2] instanceof KeyNotFoundError);
    assert.ok(reply[2] instanceof ModelkvError && reply[2].serverMessage === 'ERR tensor key is empty');
    assert.deepEqual(reply.slice(3), ['NA', 'NA']);
    assert.equal(DAGEXECUTE.transformReply('TIMEDOUT', []), 'TIMEDOUT');
    assert.throws(() => DAGEXECUTE.transformReply('BUSY', []), UnexpectedReplyError);
  });

  test('a builder is immutable, and one without a client cannot execute', async () => {
    const base = new Dag({ load: ['a'] });
    const one = base.tensorGet('a');
    assert.equal(base.steps.length, 0);
    assert.equal(one.steps.length, 1);
    await assert.rejects(one.execute(), /no client/);
  });
});
