import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor, parseShape } from '../src/tensor.js';

test('a BLOB is wrapped without a copy when its length matches', () => {
  const blob = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
  const t = Tensor.fromBlob('FLOAT', [2, 2], blob);
  assert.equal(t.data, blob);
  assert.deepEqual(t.values(), [1, 2, 3, 4]);
  assert.equal(t.length, 4);
});

test('blob length must equal shape x dtype size', () => {
  assert.throws(() => Tensor.fromBlob('FLOAT', [2, 2], Buffer.alloc(15)), /data length does not match tensor shape and type/);
  assert.throws(() => Tensor.fromBlob('INT64', [3], Buffer.alloc(16)), /^ReplyError: data length does not match tensor shape and type$/);
});

test('VALUES build little-endian data with range checks', () => {
  const t = Tensor.fromValues('INT16', [3], ['1', '-2', '300']);
  assert.deepEqual([...t.data], [1, 0, 0xfe, 0xff, 0x2c, 0x01]);
  assert.throws(() => Tensor.fromValues('INT8', [1], ['300']), /^ReplyError: invalid value$/);
  assert.throws(() => Tensor.fromValues('FLOAT', [2, 2], ['1', '2', '3']), /wrong number of values/);
  const big = Tensor.fromValues('INT64', [2], ['-9223372036854775808', '42']);
  assert.deepEqual(big.values(), [-9223372036854775808n, 42n]);
});

test('a tensor with neither BLOB nor VALUES is zero-filled', () => {
  const t = Tensor.zeros('DOUBLE', [2, 3]);
  assert.equal(t.byteLength, 48);
  assert.deepEqual(t.values(), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Tensor.zeros('STRING', [2]).values(), ['', '']);
});

test('oversized tensors are refused before allocating', () => {
  assert.throws(() => Tensor.zeros('FLOAT', [100000, 100000, 100000]), /exceeds the limit/);
  assert.throws(() => Tensor.zeros('UINT8', [1024], 1000), /exceeds the limit of 1000 bytes/);
});

test('shapes: whole non-negative numbers only', () => {
  assert.deepEqual(parseShape(['2', '3']), [2, 3]);
  assert.throws(() => parseShape(['-1']), /negative/);
  assert.throws(() => parseShape(['two']), /invalid or negative value/);
  assert.throws(() => parseShape(['1.5']), /invalid or negative value/);
  assert.throws(() => parseShape(['99999999999999999999']), /^ReplyError: invalid or negative value found in tensor shape$/);
});

test('STRING tensors hold NUL-terminated UTF-8 elements', () => {
  const t = Tensor.fromValues('STRING', [2], ['ab', 'ç']);
  assert.deepEqual([...t.data], [0x61, 0x62, 0, 0xc3, 0xa7, 0]);
  assert.deepEqual(t.values(), ['ab', 'ç']);
  assert.deepEqual(Tensor.fromBlob('STRING', [2], t.data).values(), ['ab', 'ç']);
  assert.throws(() => Tensor.fromBlob('STRING', [3], t.data), /^ReplyError: data length does not match tensor shape and type$/);
  assert.throws(() => Tensor.fromBlob('STRING', [1], Buffer.from('abc')), /data length does not match/);
});

test('BOOL blobs only hold 0 or 1', () => {
  assert.deepEqual(Tensor.fromBlob('BOOL', [2], Buffer.from([0, 1])).values(), [0, 1]);
  assert.throws(() => Tensor.fromBlob('BOOL', [2], Buffer.from([0, 2])), /invalid BOOL value/);
});
