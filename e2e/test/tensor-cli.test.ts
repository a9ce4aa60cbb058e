// AI.TENSORSET / AI.TENSORGET through Debian's redis-cli.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { cliFor, errorOf } from '../src/cli-calls.js';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, word } from '../src/cli-format.js';
import { BAD_VALUES, DTYPE_CASES, parseDouble } from '../src/dtype-cases.js';
import { assertElements } from '../src/expect.js';
import { useServer } from '../src/file-server.js';

const cli = cliFor(useServer());

async function assertServing(after: string): Promise<void> {
  assert.deepEqual(await cli(['PING']), { status: 'PONG' }, `server stopped answering after ${after}`);
}

/** Elements of a VALUES reply: integers as bigint, doubles and strings as their text. */
function values(v: CliValue | undefined): (bigint | string | Buffer)[] {
  return asArray(v).map((e) => {
    if (Buffer.isBuffer(e)) return e;
    if (!Array.isArray(e) && 'integer' in e) return e.integer;
    if (!Array.isArray(e) && 'double' in e) return e.double;
    throw new Error(`unexpected VALUES element ${show(e)}`);
  });
}

function shape(v: CliValue | undefined): number[] {
  return asArray(v).map((d) => Number(asInteger(d)));
}

describe('redis-cli: the specification examples', () => {
  test('AI.TENSORSET foo FLOAT 2 2 VALUES 1 2 3 4 answers OK', async () => {
    assert.deepEqual(await cli(['AI.TENSORSET', 'foo', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4']), { status: 'OK' });
  });

  test('AI.TENSORGET foo BLOB answers [dtype, shape, blob]', async () => {
    const reply = asArray(await cli(['AI.TENSORGET', 'foo', 'BLOB']));
    assert.equal(reply.length, 3, show(reply));
    // The dtype is a simple string, as the reference sent it.
    assert.deepEqual(reply[0], { status: 'FLOAT' });
    assert.deepEqual(shape(reply[1]), [2, 2]);
    const expected = Buffer.from(Float32Array.of(1, 2, 3, 4).buffer);
    assert.deepEqual(asBuffer(reply[2]), expected);
  });

  test('AI.TENSORGET foo VALUES answers [dtype, shape, values]', async () => {
    const reply = asArray(await cli(['AI.TENSORGET', 'foo', 'VALUES']));
    assert.equal(reply.length, 3, show(reply));
    // The dtype is a simple string, as the reference sent it.
    assert.deepEqual(reply[0], { status: 'FLOAT' });
    assert.deepEqual(shape(reply[1]), [2, 2]);
    // RESP2 carries doubles as bulk strings.
    const elements = asArray(reply[2]).map((e) => parseDouble(asBuffer(e).toString()));
    assert.deepEqual(elements, [1, 2, 3, 4]);
  });

  test('AI.TENSORGET foo META answers [dtype, shape]', async () => {
    const reply = asArray(await cli(['AI.TENSORGET', 'foo', 'META']));
    assert.equal(reply.length, 2, show(reply));
    // The dtype is a simple string, as the reference sent it.
    assert.deepEqual(reply[0], { status: 'FLOAT' });
    assert.deepEqual(shape(reply[1]), [2, 2]);
  });

  test('a tensor set without BLOB or VALUES is zero-filled', async () => {
    assert.deepEqual(await cli(['AI.TENSORSET', 'zeros', 'INT32', '2', '3']), { status: 'OK' });
    const blob = asArray(await cli(['AI.TENSORGET', 'zeros', 'BLOB']));
    assert.deepEqual(asBuffer(blob[2]), Buffer.alloc(24));
    const vals = asArray(await cli(['AI.TENSORGET', 'zeros', 'VALUES']));
    assert.deepEqual(shape(vals[1]), [2, 3]);
    assert.deepEqual(values(vals[2]), [0n, 0n, 0n, 0n, 0n, 0n]);
  });

  test('dtype and format words are case-insensitive', async () => {
    assert.deepEqual(await cli(['ai.tensorset', 'lower', 'float', '2', 'values', '1.5', '2']), { status: 'OK' });
    const reply = asArray(await cli(['ai.tensorget', 'lower', 'values']));
    assert.equal(word(reply[0]), 'FLOAT');
    assert.deepEqual(
      asArray(reply[2]).map((e) => parseDouble(asBuffer(e).toString())),
      [1.5, 2],
    );
  });
});

describe('redis-cli: every dtype round-trips', () => {
  for (const c of DTYPE_CASES) {
    test(`${c.dtype} by VALUES`, async () => {
      const key = `values:${c.dtype}`;
      assert.deepEqual(await cli(['AI.TENSORSET', key, c.dtype, ...c.shape.map(String), 'VALUES', ...c.words]), { status: 'OK' });
      const vals = asArray(await cli(['AI.TENSORGET', key, 'VALUES']));
      assert.equal(word(vals[0]), c.dtype);
      assert.deepEqual(shape(vals[1]), c.shape);
      const elements = values(vals[2]);
      if (c.integer)
        assert.ok(
          elements.every((e) => typeof e === 'bigint'),
          `${c.dtype} VALUES are integers: ${show(vals[2])}`,
        );
      assertElements(c, elements, `${c.dtype} VALUES`);
      const blob = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
      assert.deepEqual(asBuffer(blob[2]), c.blob, `${c.dtype} BLOB of a VALUES tensor`);
    });

    test(`${c.dtype} by BLOB`, async () => {
      const key = `blob:${c.dtype}`;
      assert.deepEqual(await cli(['AI.TENSORSET', key, c.dtype, ...c.shape.map(String), 'BLOB'], c.blob), { status: 'OK' });
      const blob = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
      assert.equal(word(blob[0]), c.dtype);
      assert.deepEqual(shape(blob[1]), c.shape);
      assert.deepEqual(asBuffer(blob[2]), c.blob);
      const vals = asArray(await cli(['AI.TENSORGET', key, 'VALUES']));
      assertElements(c, values(vals[2]), `${c.dtype} VALUES of a BLOB tensor`);
      const meta = asArray(await cli(['AI.TENSORGET', key, 'META']));
      assert.equal(meta.length, 2);
      assert.deepEqual(shape(meta[1]), c.shape);
    });
  }
});

describe('redis-cli: bad input gets ERR and the server keeps serving', () => {
  // RedisAI 0.9's words, which clients match on exactly.
  const ARITY = /^ERR wrong number of arguments for 'AI\.TENSOR(SET|GET)' command$/;
  const SHAPE = /^ERR invalid or negative value found in tensor shape$/;
  const LENGTH = /^ERR data length does not match tensor shape and type$/;
  const float4 = Buffer.from(Float32Array.of(1, 2, 3, 4).buffer);
  const cases: { name: string; args: string[]; stdin?: Buffer; pattern?: RegExp }[] = [
    { name: 'AI.TENSORSET without arguments', args: ['AI.TENSORSET'], pattern: /wrong number of arguments/i },
    { name: 'AI.TENSORSET with a key only', args: ['AI.TENSORSET', 'bad'], pattern: /wrong number of arguments/i },
    { name: 'AI.TENSORSET without a shape', args: ['AI.TENSORSET', 'bad', 'FLOAT'] },
    { name: 'AI.TENSORGET with three format words', args: ['AI.TENSORGET', 'foo', 'META', 'BLOB', 'BLOB'], pattern: ARITY },
    {
      name: 'AI.TENSORGET with two formats',
      args: ['AI.TENSORGET', 'foo', 'BLOB', 'VALUES'],
      pattern: /^ERR both BLOB and VALUES specified$/,
    },
    { name: 'an unknown dtype', args: ['AI.TENSORSET', 'bad', 'FLOAT16', '2', 'VALUES', '1', '2'], pattern: /^ERR invalid data type$/ },
    { name: 'a negative dimension', args: ['AI.TENSORSET', 'bad', 'FLOAT', '-2', 'VALUES', '1', '2'], pattern: SHAPE },
    { name: 'a non-numeric dimension', args: ['AI.TENSORSET', 'bad', 'FLOAT', 'two', 'VALUES', '1', '2'], pattern: SHAPE },
    { name: 'a fractional dimension', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2.5'], pattern: SHAPE },
    { name: 'a blob one byte short', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', '2', 'BLOB'], stdin: float4.subarray(1), pattern: LENGTH },
    {
      name: 'a blob one byte long',
      args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', '2', 'BLOB'],
      stdin: Buffer.concat([float4, Buffer.of(0)]),
      pattern: LENGTH,
    },
    { name: 'BLOB without data', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', 'BLOB'], pattern: ARITY },
    { name: 'VALUES without values', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', 'VALUES'], pattern: ARITY },
    { name: 'too few VALUES', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3'], pattern: ARITY },
    { name: 'too many VALUES', args: ['AI.TENSORSET', 'bad', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4', '5'], pattern: ARITY },
    ...BAD_VALUES.map(({ dtype, word: w }) => ({
      name: `VALUES ${JSON.stringify(w)} for ${dtype}`,
      args: ['AI.TENSORSET', 'bad', dtype, '1', 'VALUES', w],
      pattern: /^ERR invalid value$|^ERR invalid .*STRING/,
    })),
    {
      name: 'AI.TENSORGET of a missing key',
      args: ['AI.TENSORGET', 'no-such-key', 'BLOB'],
      pattern: /^ERR cannot get tensor from empty key$/,
    },
    { name: 'an unknown format word', args: ['AI.TENSORGET', 'foo', 'JSON'], pattern: /^ERR unsupported data format$/ },
    { name: 'an unknown command', args: ['AI.TENSORFROB', 'foo'], pattern: /unknown command/i },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const reply = await cli(c.args, c.stdin);
      const err = errorOf(reply);
      assert.ok(err?.startsWith('ERR '), `expected an ERR reply, got ${show(reply)}`);
      if (c.pattern) assert.match(err ?? '', c.pattern);
      await assertServing(c.name);
    });
  }

  test('failed commands stored nothing under their key', async () => {
    assert.deepEqual(await cli(['EXISTS', 'bad']), { integer: 0n });
  });

  test('a failed AI.TENSORSET leaves the previous tensor in place', async () => {
    assert.deepEqual(await cli(['AI.TENSORSET', 'keep', 'INT8', '2', 'VALUES', '1', '2']), { status: 'OK' });
    assert.ok(errorOf(await cli(['AI.TENSORSET', 'keep', 'INT8', '2', 'VALUES', '1', '300'])));
    assert.ok(errorOf(await cli(['AI.TENSORSET', 'keep', 'INT8', '2', 'BLOB'], Buffer.of(1, 2, 3))));
    const reply = asArray(await cli(['AI.TENSORGET', 'keep', 'VALUES']));
    assert.deepEqual(values(reply[2]), [1n, 2n]);
  });
});

describe('redis-cli: large tensors', () => {
  test('an 8 MiB tensor round-trips byte-exact', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    assert.deepEqual(await cli(['AI.TENSORSET', 'big', 'UINT8', '2048', '4096', 'BLOB'], data), { status: 'OK' });
    const meta = asArray(await cli(['AI.TENSORGET', 'big', 'META']));
    assert.deepEqual(shape(meta[1]), [2048, 4096]);
    const reply = asArray(await cli(['AI.TENSORGET', 'big', 'BLOB']));
    const got = asBuffer(reply[2]);
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data), '8 MiB blob differs');
    assert.deepEqual(await cli(['DEL', 'big']), { integer: 1n });
  });
});
