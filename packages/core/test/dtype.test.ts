import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTYPES, dtypeSize, formatDouble, parseDType, parseValue } from '../src/dtype.js';
import { ReplyError } from '../src/errors.js';

test('dtype words parse case-insensitively and unknown ones are refused', () => {
  assert.equal(parseDType('float'), 'FLOAT');
  assert.equal(parseDType('Uint16'), 'UINT16');
  assert.throws(
    () => parseDType('FLOAT16'),
    (e: unknown) => e instanceof ReplyError && e.message.includes('invalid data type'),
  );
  assert.deepEqual(
    DTYPES.map((d) => dtypeSize(d)),
    [4, 8, 1, 2, 4, 8, 1, 2, 1, 0],
  );
});

test("integer VALUES are range-checked per dtype, never wrapped; the reference's words for any bad word", () => {
  assert.equal(parseValue('INT8', '127'), 127);
  assert.equal(parseValue('INT8', '-128'), -128);
  assert.throws(() => parseValue('INT8', '300'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('INT8', '-129'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('UINT8', '-1'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('UINT16', '65536'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('INT16', '32768'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('INT32', '2147483648'), /^ReplyError: invalid value$/);
  assert.equal(parseValue('INT64', '9223372036854775807'), 9223372036854775807n);
  assert.throws(() => parseValue('INT64', '9223372036854775808'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('INT32', '1.5'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('INT32', 'abc'), /^ReplyError: invalid value$/);
  assert.equal(parseValue('BOOL', '1'), 1);
  assert.throws(() => parseValue('BOOL', '2'), /^ReplyError: invalid value$/);
});

test('float VALUES accept decimal, exponent and inf/nan words', () => {
  assert.equal(parseValue('FLOAT', '1.5'), 1.5);
  assert.equal(parseValue('DOUBLE', '-2e3'), -2000);
  assert.equal(parseValue('DOUBLE', '.5'), 0.5);
  assert.equal(parseValue('FLOAT', 'inf'), Infinity);
  assert.equal(parseValue('FLOAT', '-inf'), -Infinity);
  assert.ok(Number.isNaN(parseValue('DOUBLE', 'nan')));
  assert.throws(() => parseValue('FLOAT', '1e39'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('DOUBLE', '1e400'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('FLOAT', '1.2.3'), /^ReplyError: invalid value$/);
  assert.throws(() => parseValue('FLOAT', ''), /^ReplyError: invalid value$/);
});

test('STRING values refuse NUL', () => {
  assert.equal(parseValue('STRING', 'héllo'), 'héllo');
  assert.throws(() => parseValue('STRING', 'a\0b'), /NUL/);
});

test('doubles are formatted like %.17g', () => {
  assert.equal(formatDouble(1), '1');
  assert.equal(formatDouble(-2.5), '-2.5');
  assert.equal(formatDouble(0.1), '0.10000000000000001');
  assert.equal(formatDouble(Math.fround(0.1)), '0.10000000149011612');
  assert.equal(formatDouble(1e20), '1e+20');
  assert.equal(formatDouble(1.5e-7), '1.4999999999999999e-07');
  assert.equal(formatDouble(123456789), '123456789');
  assert.equal(formatDouble(Infinity), 'inf');
  assert.equal(formatDouble(-Infinity), '-inf');
  assert.equal(formatDouble(Number.NaN), 'nan');
  assert.equal(formatDouble(0), '0');
  for (const x of [Math.PI, -1e-300, 6.02214076e23, 1 / 3]) assert.equal(Number(formatDouble(x)), x);
});
