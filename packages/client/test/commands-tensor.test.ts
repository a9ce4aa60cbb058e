import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import TENSORGET from '../src/commands/TENSORGET.js';
import TENSORSET from '../src/commands/TENSORSET.js';
import { UnexpectedReplyError } from '../src/errors.js';
import { text, wire } from './wire.js';

describe('AI.TENSORSET arguments', () => {
  test('a Float32Array goes as a BLOB of its own bytes, not a copy', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const { args, keys } = wire(TENSORSET, 'foo', { shape: [2, 2], data });
    assert.deepEqual(args.slice(0, 6), ['AI.TENSORSET', 'foo', 'FLOAT', '2', '2', 'BLOB']);
    const blob = args[6];
    assert.ok(Buffer.isBuffer(blob));
    assert.equal(blob.buffer, data.buffer);
    assert.deepEqual([...blob], [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40]);
    assert.equal(args.length, 7);
    assert.deepEqual(keys, ['foo']);
  });

  test('each typed array gives its dtype, and the shape defaults to its length', () => {
    const cases = [
      [new Float32Array(3), 'FLOAT', 12],
      [new Float64Array(3), 'DOUBLE', 24],
      [new Int8Array(3), 'INT8', 3],
      [new Int16Array(3), 'INT16', 6],
      [new Int32Array(3), 'INT32', 12],
      [new BigInt64Array(3), 'INT64', 24],
      [new Uint8Array(3), 'UINT8', 3],
      [new Uint16Array(3), 'UINT16', 6],
    ] as const;
    for (const [data, dtype, bytes] of cases) {
      const { args } = wire(TENSORSET, 'k', { data });
      assert.deepEqual(args.slice(0, 5), ['AI.TENSORSET', 'k', dtype, '3', 'BLOB'], dtype);
      assert.equal((args[5] as Buffer).length, bytes, dtype);
    }
  });

  test('a view into a larger buffer sends only its own bytes', () => {
    const backing = new Int16Array([9, 1, -2, 9]);
    const view = backing.subarray(1, 3);
    const { args } = wire(TENSORSET, 'k', { data: view });
    assert.deepEqual(text(args), ['AI.TENSORSET', 'k', 'INT16', '2', 'BLOB', '<0100feff>']);
  });

  test('a Uint8Array or Buffer carries raw bytes for any dtype', () => {
    const raw = Buffer.from(new Float64Array([1.5, -2]).buffer);
    const { args } = wire(TENSORSET, 'k', { dtype: 'DOUBLE', data: raw });
    assert.deepEqual(args.slice(0, 5), ['AI.TENSORSET', 'k', 'DOUBLE', '2', 'BLOB']);
    assert.equal(args[5], raw);
    const bools = wire(TENSORSET, 'b', { dtype: 'BOOL', shape: [1, 3], data: new Uint8Array([1, 0, 1]) });
    assert.deepEqual(text(bools.args), ['AI.TENSORSET', 'b', 'BOOL', '1', '3', 'BLOB', '<010001>']);
    const strings = wire(TENSORSET, 's', { dtype: 'STRING', data: Buffer.from('ab\0\0c\0') });
    assert.deepEqual(text(strings.args), ['AI.TENSORSET', 's', 'STRING', '3', 'BLOB', '<616200006300>']);
    assert.throws(() => wire(TENSORSET, 'k', { dtype: 'FLOAT', data: new Uint8Array(6) }), /not a whole number of FLOAT elements/);
  });

  test('a typed array that does not hold the given dtype is refused before sending', () => {
    assert.throws(() => wire(TENSORSET, 'k', { dtype: 'DOUBLE', data: new Float32Array(2) }), TypeError);
    assert.throws(() => wire(TENSORSET, 'k', { data: new Uint32Array(2) as never }), /cannot send a Uint32Array/);
  });

  test('plain arrays go as VALUES, formatted so they read back exactly', () => {
    assert.deepEqual(wire(TENSORSET, 'foo', { dtype: 'FLOAT', shape: [2, 2], data: [1, 2, 3, 4] }).args, [
      'AI.TENSORSET',
      'foo',
      'FLOAT',
      '2',
      '2',
      'VALUES',
      '1',
      '2',
      '3',
      '4',
    ]);
    assert.deepEqual(wire(TENSORSET, 'd', { dtype: 'DOUBLE', data: [0.1, -0, NaN, Infinity, -Infinity, 1e300] }).args, [
      'AI.TENSORSET',
      'd',
      'DOUBLE',
      '6',
      'VALUES',
      '0.1',
      '-0',
      'nan',
      'inf',
      '-inf',
      '1e+300',
    ]);
    assert.deepEqual(wire(TENSORSET, 'i', { data: [9223372036854775807n, -1n] }).args, [
      'AI.TENSORSET',
      'i',
      'INT64',
      '2',
      'VALUES',
      '9223372036854775807',
      '-1',
    ]);
    assert.deepEqual(wire(TENSORSET, 'b', { data: [true, false] }).args, ['AI.TENSORSET', 'b', 'BOOL', '2', 'VALUES', '1', '0']);
    assert.deepEqual(wire(TENSORSET, 's', { shape: [1, 2], data: ['héllo', ''] }).args, [
      'AI.TENSORSET',
      's',
      'STRING',
      '1',
      '2',
      'VALUES',
      'héllo',
      '',
    ]);
    // Out-of-range values are sent as given: the server is the one to refuse them.
    assert.deepEqual(wire(TENSORSET, 'r', { dtype: 'INT8', data: [300] }).args, ['AI.TENSORSET', 'r', 'INT8', '1', 'VALUES', '300']);
  });

  test('a number array without a dtype, or a wrongly typed element, is refused', () => {
    assert.throws(() => wire(TENSORSET, 'k', { data: [1, 2] }), /needs a dtype/);
    assert.throws(() => wire(TENSORSET, 'k', { dtype: 'STRING', data: [1] as never }), /not a string/);
    assert.throws(() => wire(TENSORSET, 'k', { dtype: 'FLOAT', data: ['1'] as never }), /not a number/);
  });

  test('no data allocates a zero-filled tensor of the shape', () => {
    assert.deepEqual(wire(TENSORSET, 'z', { dtype: 'INT32', shape: [3, 0, 2] }).args, ['AI.TENSORSET', 'z', 'INT32', '3', '0', '2']);
    assert.throws(() => wire(TENSORSET, 'z', { dtype: 'INT32' }), /needs a shape/);
    assert.throws(() => wire(TENSORSET, 'z', { shape: [1] }), /needs a dtype/);
  });

  test('a large VALUES array does not overflow the stack', () => {
    const data = new Array<number>(300_000).fill(1);
    assert.equal(wire(TENSORSET, 'big', { dtype: 'UINT8', data }).args.length, 5 + 300_000);
  });

  test('binary keys are passed through', () => {
    const key = Buffer.from([0, 255, 13, 10]);
    const { args, keys } = wire(TENSORSET, key, { data: new Int8Array([1]) });
    assert.equal(args[1], key);
    assert.deepEqual(keys, [key]);
  });
});

describe('AI.TENSORGET', () => {
  test('arguments: BLOB by default, or the format asked for', () => {
    assert.deepEqual(wire(TENSORGET, 'foo').args, ['AI.TENSORGET', 'foo', 'BLOB']);
    for (const f of ['BLOB', 'VALUES', 'META'] as const) {
      const w = wire(TENSORGET, 'foo', f);
      assert.deepEqual(w.args, ['AI.TENSORGET', 'foo', f]);
      assert.equal(w.preserve, f);
      assert.deepEqual(w.keys, ['foo']);
    }
  });

  test('META gives dtype and shape, whatever the numbers were decoded as', () => {
    assert.deepEqual(TENSORGET.transformReply(['FLOAT', [2, 3]], 'META'), { dtype: 'FLOAT', shape: [2, 3] });
    assert.deepEqual(TENSORGET.transformReply([Buffer.from('INT64'), ['2', '3']], 'META'), { dtype: 'INT64', shape: [2, 3] });
  });

  test('an aligned BLOB becomes a typed array over the reply bytes', () => {
    const bytes = Buffer.from(new Float32Array([1.5, -2, 3, 4]).buffer);
    const t = TENSORGET.transformReply(['FLOAT', ['2', '2'], bytes], 'BLOB');
    assert.equal(t.dtype, 'FLOAT');
    assert.ok('data' in t && t.data instanceof Float32Array);
    assert.deepEqual([...t.data], [1.5, -2, 3, 4]);
    assert.equal(t.data.buffer, bytes.buffer);
  });

  test('an unaligned BLOB is copied into a typed array of its own', () => {
    const backing = Buffer.alloc(17);
    const bytes = backing.subarray(1);
    bytes.writeBigInt64LE(-5n, 0);
    bytes.writeBigInt64LE(9223372036854775807n, 8);
    const t = TENSORGET.transformReply(['INT64', [2], bytes], 'BLOB');
    assert.ok('data' in t && t.data instanceof BigInt64Array);
    assert.deepEqual([...t.data], [-5n, 9223372036854775807n]);
    assert.notEqual(t.data.buffer, backing.buffer);
  });

  test('BOOL blobs are bytes, STRING blobs are NUL-separated strings', () => {
    const b = TENSORGET.transformReply(['BOOL', [3], Buffer.from([1, 0, 1])], 'BLOB');
    assert.ok('data' in b && b.data instanceof Uint8Array);
    assert.deepEqual([...b.data], [1, 0, 1]);
    const s = TENSORGET.transformReply(['STRING', [3], Buffer.from('héllo\0\0x\0')], 'BLOB');
    assert.ok('data' in s);
    assert.deepEqual(s.data, ['héllo', '', 'x']);
  });

  test('a BLOB decoded as text is an error, not corrupted data', () => {
    assert.throws(() => TENSORGET.transformReply(['UINT8', [1], '\u00ff'], 'BLOB'), UnexpectedReplyError);
  });

  test('a BLOB whose length is not whole elements is an error', () => {
    assert.throws(() => TENSORGET.transformReply(['INT32', [1], Buffer.alloc(3)], 'BLOB'), /not a whole number/);
  });

  test('VALUES: RESP2 bulk-string doubles and RESP3 numbers both become numbers', () => {
    const resp2 = TENSORGET.transformReply(['DOUBLE', [4], [Buffer.from('0.10000000000000001'), 'inf', '-inf', 'nan']], 'VALUES');
    assert.ok('data' in resp2);
    assert.deepEqual(resp2.data, [0.1, Infinity, -Infinity, NaN]);
    const resp3 = TENSORGET.transformReply(['FLOAT', [2], [1.5, 2]], 'VALUES');
    assert.ok('data' in resp3);
    assert.deepEqual(resp3.data, [1.5, 2]);
  });

  test('VALUES: INT64 as bigints without losing digits, others as numbers, STRING as text', () => {
    const big = TENSORGET.transformReply(['INT64', [2], ['9223372036854775807', -3]], 'VALUES');
    assert.ok('data' in big);
    assert.deepEqual(big.data, [9223372036854775807n, -3n]);
    assert.throws(() => TENSORGET.transformReply(['INT64', [1], [2 ** 60]], 'VALUES'), /lost precision/);
    const small = TENSORGET.transformReply(['UINT16', [2], [65535, '0']], 'VALUES');
    assert.ok('data' in small);
    assert.deepEqual(small.data, [65535, 0]);
    const s = TENSORGET.transformReply(['STRING', [2], [Buffer.from('é'), 'x']], 'VALUES');
    assert.ok('data' in s);
    assert.deepEqual(s.data, ['é', 'x']);
  });

  test('an unknown dtype or a malformed reply is an error', () => {
    assert.throws(() => TENSORGET.transformReply(['FLOAT16', [1], Buffer.alloc(2)], 'BLOB'), /unknown dtype/);
    assert.throws(() => TENSORGET.transformReply('OK', 'BLOB'), UnexpectedReplyError);
    assert.throws(() => TENSORGET.transformReply(['FLOAT', [1], ['x']], 'VALUES'), /expected a number/);
  });
});
