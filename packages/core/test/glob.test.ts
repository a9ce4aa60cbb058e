import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch } from '../src/glob.js';

test('glob patterns match like Redis KEYS', () => {
  assert.ok(globMatch('*', 'anything'));
  assert.ok(globMatch('h?llo', 'hello'));
  assert.ok(!globMatch('h?llo', 'hllo'));
  assert.ok(globMatch('h*llo', 'heeeello'));
  assert.ok(globMatch('h[ae]llo', 'hallo'));
  assert.ok(!globMatch('h[ae]llo', 'hillo'));
  assert.ok(globMatch('h[^e]llo', 'hallo'));
  assert.ok(!globMatch('h[^e]llo', 'hello'));
  assert.ok(globMatch('h[a-c]llo', 'hbllo'));
  assert.ok(globMatch('h\\*llo', 'h*llo'));
  assert.ok(!globMatch('h\\*llo', 'hello'));
  assert.ok(globMatch('tensor:*:in', 'tensor:42:in'));
  assert.ok(!globMatch('tensor:*:in', 'tensor:42:out'));
});
