import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplyError, isReplyError, toReplyError, wrongType } from '../src/errors.js';

test('a ReplyError is its code and message on the wire', () => {
  assert.equal(new ReplyError('syntax error').reply, 'ERR syntax error');
  assert.equal(new ReplyError('unsupported protocol version', 'NOPROTO').reply, 'NOPROTO unsupported protocol version');
  assert.equal(wrongType().reply, 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('ReplyErrors from another copy of core are recognised by their brand, not their name', async () => {
  // The same module under another URL is a second instance, with a ReplyError class of its own.
  const other = (await import(new URL('../src/errors.js?another-copy', import.meta.url).href)) as typeof import('../src/errors.js');
  assert.notEqual(other.ReplyError, ReplyError);
  const foreign = new other.ReplyError('no permissions', 'NOPERM');
  assert.ok(isReplyError(foreign));
  assert.equal(toReplyError(foreign), foreign, 'kept as it is, code included');
  assert.ok(other.isReplyError(new ReplyError('x')));

  const impostor = Object.assign(new Error('looks the part'), { name: 'ReplyError', code: 'ERR' });
  assert.ok(!isReplyError(impostor), 'an error merely named ReplyError is not one');
  assert.ok(!isReplyError({ code: 'ERR', message: 'not an Error' }));
  assert.ok(!isReplyError(undefined));
});

test('anything else becomes an ERR reply keeping its reason on one line', () => {
  assert.equal(toReplyError(new Error('bad\r\nmodel'), 'could not load ONNX model').reply, 'ERR could not load ONNX model: bad model');
  assert.equal(toReplyError('plain text').reply, 'ERR plain text');
});
