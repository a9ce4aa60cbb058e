import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import AI from '../src/commands/index.js';
import CONFIG_LOADBACKEND from '../src/commands/CONFIG_LOADBACKEND.js';
import INFO from '../src/commands/INFO.js';
import INFO_RESETSTAT from '../src/commands/INFO_RESETSTAT.js';
import MODELDEL from '../src/commands/MODELDEL.js';
import MODELGET from '../src/commands/MODELGET.js';
import MODELRUN from '../src/commands/MODELRUN.js';
import MODELSET from '../src/commands/MODELSET.js';
import SCRIPTDEL from '../src/commands/SCRIPTDEL.js';
import SCRIPTGET from '../src/commands/SCRIPTGET.js';
import SCRIPTRUN from '../src/commands/SCRIPTRUN.js';
import SCRIPTSET from '../src/commands/SCRIPTSET.js';
import { UnexpectedReplyError } from '../src/errors.js';
import { wire } from './wire.js';

describe('AI.MODELSET', () => {
  test('backend, device, then the blob last with no BLOB keyword, as v0.9 reads it', () => {
    const blob = Buffer.from([8, 1, 0, 255]);
    const { args, keys } = wire(MODELSET, 'mnist', { backend: 'ONNX', device: 'CPU', blob });
    assert.deepEqual(args, ['AI.MODELSET', 'mnist', 'ONNX', 'CPU', blob]);
    assert.equal(args[4], blob);
    assert.deepEqual(keys, ['mnist']);
  });

  test('TF node names go in INPUTS and OUTPUTS before the blob', () => {
    const blob = Buffer.from('graph');
    const { args } = wire(MODELSET, 'm', { backend: 'TF', device: 'GPU:1', inputs: ['a', 'b'], outputs: ['mul'], blob });
    assert.deepEqual(args, ['AI.MODELSET', 'm', 'TF', 'GPU:1', 'INPUTS', 'a', 'b', 'OUTPUTS', 'mul', blob]);
  });

  test('empty node lists are left out, and a Uint8Array blob is sent without a copy', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1);
    const { args } = wire(MODELSET, 'm', { backend: 'TORCH', device: 'GPU', inputs: [], outputs: [], blob: bytes });
    assert.equal(args.length, 5);
    const sent = args[4] as Buffer;
    assert.ok(Buffer.isBuffer(sent));
    assert.equal(sent.buffer, bytes.buffer);
    assert.deepEqual([...sent], [2, 3, 4]);
  });
});

describe('AI.MODELGET', () => {
  test('arguments and the [backend, device, blob] reply', () => {
    assert.deepEqual(wire(MODELGET, 'm').args, ['AI.MODELGET', 'm']);
    const blob = Buffer.from([0, 1, 2]);
    assert.deepEqual(MODELGET.transformReply([Buffer.from('TORCH'), 'CPU', blob]), { backend: 'TORCH', device: 'CPU', blob });
    assert.throws(() => MODELGET.transformReply(['ONNX', 'CPU', 'text']), UnexpectedReplyError);
  });
});

describe('AI.MODELDEL and AI.MODELRUN', () => {
  test('MODELDEL names the key', () => {
    assert.deepEqual(wire(MODELDEL, 'm').args, ['AI.MODELDEL', 'm']);
  });

  test('MODELRUN lists inputs and outputs, all of them keys', () => {
    const w = wire(MODELRUN, 'm', { inputs: ['a', 'b'], outputs: ['c'] });
    assert.deepEqual(w.args, ['AI.MODELRUN', 'm', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c']);
    assert.deepEqual(w.keys, ['m', 'a', 'b', 'c']);
  });
});

describe('script commands', () => {
  test('SCRIPTSET sends device and source', () => {
    const source = 'def addtwo(a, b):\n    return a + b\n';
    assert.deepEqual(wire(SCRIPTSET, 's', { device: 'CPU', source }).args, ['AI.SCRIPTSET', 's', 'CPU', source]);
  });

  test('SCRIPTGET gives device and source', () => {
    assert.deepEqual(wire(SCRIPTGET, 's').args, ['AI.SCRIPTGET', 's']);
    assert.deepEqual(SCRIPTGET.transformReply(['GPU:0', Buffer.from('def f(x):\n    return x\n')]), {
      device: 'GPU:0',
      source: 'def f(x):\n    return x\n',
    });
  });

  test('SCRIPTDEL names the key', () => {
    assert.deepEqual(wire(SCRIPTDEL, 's').args, ['AI.SCRIPTDEL', 's']);
  });

  test('SCRIPTRUN names the function before its inputs and outputs', () => {
    const w = wire(SCRIPTRUN, 's', 'addtwo', { inputs: ['a', 'b'], outputs: ['c'] });
    assert.deepEqual(w.args, ['AI.SCRIPTRUN', 's', 'addtwo', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c']);
    assert.deepEqual(w.keys, ['s', 'a', 'b', 'c']);
  });
});

describe('AI.INFO', () => {
  const flat = [
    'KEY',
    'amodel',
    'TYPE',
    'MODEL',
    'BACKEND',
    'TORCH',
    'DEVICE',
    'CPU',
    'DURATION',
    6511,
    'SAMPLES',
    2,
    'CALLS',
    1,
    'ERRORS',
    0,
  ];
  const expected = { key: 'amodel', type: 'MODEL', backend: 'TORCH', device: 'CPU', duration: 6511, samples: 2, calls: 1, errors: 0 };

  test('arguments, with and without RESETSTAT', () => {
    assert.deepEqual(wire(INFO, 'amodel').args, ['AI.INFO', 'amodel']);
    assert.deepEqual(wire(INFO_RESETSTAT, 'amodel').args, ['AI.INFO', 'amodel', 'RESETSTAT']);
  });

  test('the flat 16-element reply becomes named fields', () => {
    assert.deepEqual(INFO.transformReply(flat), expected);
    const asText = flat.map((v) => (typeof v === 'number' ? String(v) : Buffer.from(v)));
    assert.deepEqual(INFO.transformReply(asText), expected);
  });

  test('a script reports SAMPLES -1', () => {
    const script = [
      'KEY',
      's',
      'TYPE',
      'SCRIPT',
      'BACKEND',
      'TORCH',
      'DEVICE',
      'CPU',
      'DURATION',
      '0',
      'SAMPLES',
      '-1',
      'CALLS',
      '0',
      'ERRORS',
      '0',
    ];
    assert.equal(INFO.transformReply(script).samples, -1);
  });

  test('a RESP3 map reply reads the same', () => {
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
    assert.deepEqual(INFO.transformReply(map), expected);
    assert.deepEqual(INFO.transformReply(Object.fromEntries(map)), expected);
  });

  test('a missing field or an odd-length reply is an error', () => {
    assert.throws(() => INFO.transformReply(flat.slice(0, 14)), /no errors field/);
    assert.throws(() => INFO.transformReply(flat.slice(0, 15)), UnexpectedReplyError);
  });
});

describe('AI.CONFIG LOADBACKEND', () => {
  test('is not keyed and sends identifier and path', () => {
    const w = wire(CONFIG_LOADBACKEND, 'TORCH', '/opt/backends/torch');
    assert.deepEqual(w.args, ['AI.CONFIG', 'LOADBACKEND', 'TORCH', '/opt/backends/torch']);
    assert.deepEqual(w.keys, []);
    assert.equal(CONFIG_LOADBACKEND.NOT_KEYED_COMMAND, true);
  });
});

describe('the module', () => {
  test('offers every command under its upper-case name and a camelCase method', () => {
    const pairs: [string, string][] = [
      ['TENSORSET', 'tensorSet'],
      ['TENSORGET', 'tensorGet'],
      ['MODELSET', 'modelSet'],
      ['MODELGET', 'modelGet'],
      ['MODELDEL', 'modelDel'],
      ['MODELRUN', 'modelRun'],
      ['SCRIPTSET', 'scriptSet'],
      ['SCRIPTGET', 'scriptGet'],
      ['SCRIPTDEL', 'scriptDel'],
      ['SCRIPTRUN', 'scriptRun'],
      ['INFO', 'info'],
      ['INFO_RESETSTAT', 'resetStat'],
      ['CONFIG_LOADBACKEND', 'loadBackend'],
      ['MODELSTORE', 'modelStore'],
      ['MODELGET_META', 'modelMeta'],
      ['MODELEXECUTE', 'modelExecute'],
      ['MODELSCAN', 'modelScan'],
      ['SCRIPTSTORE', 'scriptStore'],
      ['SCRIPTGET_META', 'scriptMeta'],
      ['SCRIPTEXECUTE', 'scriptExecute'],
      ['SCRIPTSCAN', 'scriptScan'],
      ['DAGEXECUTE', 'dagExecute'],
      ['DAGEXECUTE_RO', 'dagExecuteRo'],
      ['CONFIG_GET', 'configGet'],
      ['CONFIG_SET', 'configSet'],
    ];
    const mod = AI as Record<string, unknown>;
    for (const [upper, camel] of pairs) {
      assert.ok(mod[upper], upper);
      assert.equal(mod[upper], mod[camel], camel);
    }
    assert.equal(Object.keys(AI).length, pairs.length * 2);
  });

  test('read-only flags mark the commands that change nothing', () => {
    const readOnly = Object.entries(AI)
      .filter(([name, c]) => name === name.toUpperCase() && c.IS_READ_ONLY)
      .map(([n]) => n);
    assert.deepEqual(readOnly.sort(), [
      'CONFIG_GET',
      'DAGEXECUTE_RO',
      'INFO',
      'MODELGET',
      'MODELGET_META',
      'MODELSCAN',
      'SCRIPTGET',
      'SCRIPTGET_META',
      'SCRIPTSCAN',
      'TENSORGET',
    ]);
  });
});
