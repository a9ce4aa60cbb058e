import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply } from '@redis/client';
import {
  BackendNotLoadedError,
  KeyNotFoundError,
  ModelkvError,
  UnknownCommandError,
  WrongTypeError,
  errorFromReply,
  toModelkvError,
} from '../src/errors.js';

test('WRONGTYPE replies become WrongTypeError with the code and the message kept', () => {
  const line = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  const err = errorFromReply(line);
  assert.ok(err instanceof WrongTypeError && err instanceof ModelkvError);
  assert.equal(err.code, 'WRONGTYPE');
  assert.equal(err.serverMessage, line);
  assert.equal(err.message, line);
});

test('backend-not-loaded is recognised in both modelkv and RedisAI wording', () => {
  const ours = errorFromReply('ERR backend TORCH is not loaded: load it with AI.CONFIG LOADBACKEND TORCH <path>');
  assert.ok(ours instanceof BackendNotLoadedError);
  assert.equal(ours.backend, 'TORCH');
  assert.equal(ours.code, 'ERR');
  const theirs = errorFromReply('ERR Backend not loaded: ONNX');
  assert.ok(theirs instanceof BackendNotLoadedError);
  assert.equal(theirs.backend, 'ONNX');
});

test('missing keys are recognised in both wordings', () => {
  assert.ok(errorFromReply('ERR tensor key is empty or does not exist') instanceof KeyNotFoundError);
  assert.ok(errorFromReply("ERR input key 'a' is empty or does not exist") instanceof KeyNotFoundError);
  assert.ok(errorFromReply('ERR tensor key is empty') instanceof KeyNotFoundError);
  for (const line of [
    'ERR cannot get tensor from empty key',
    'ERR cannot get model from empty key',
    'ERR no model at key',
    'ERR no script at key',
    'ERR Input key is empty',
    'ERR model key is empty',
    'ERR tensor key is empty or in a different shard',
  ]) {
    assert.ok(errorFromReply(line) instanceof KeyNotFoundError, line);
  }
});

test('unknown commands say the server is not an AI server', () => {
  const err = errorFromReply("ERR unknown command 'AI.TENSORSET', with args beginning with: 'k' ");
  assert.ok(err instanceof UnknownCommandError);
});

test('other errors are a plain ModelkvError with their code', () => {
  const err = errorFromReply("ERR invalid data type 'FLOAT16'");
  assert.equal(err.constructor, ModelkvError);
  assert.equal(err.code, 'ERR');
  assert.equal(errorFromReply('NOSCRIPT no such script').code, 'NOSCRIPT');
});

test('toModelkvError wraps node-redis error replies and leaves other errors alone', () => {
  const reply = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
  const wrapped = toModelkvError(reply);
  assert.ok(wrapped instanceof WrongTypeError);
  assert.equal(wrapped.cause, reply);
  const other = new TypeError('bad argument');
  assert.equal(toModelkvError(other), other);
});
