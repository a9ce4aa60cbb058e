// AI.TENSORSET / AI.TENSORGET through node-redis, over RESP2 and over RESP3 (HELLO 3).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RESP_TYPES, createClient } from 'redis';
import { DTYPE_CASES } from '../src/dtype-cases.js';
import { assertElements } from '../src/expect.js';
import { useServer } from '../src/file-server.js';

const server = useServer();

type Reply = unknown;

function makeClient(port: number, host: string, RESP: 2 | 3) {
  return createClient({ socket: { port, host }, RESP });
}

const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };
// node-redis decodes RESP3 doubles digit by digit, which can be off by an ulp (0.1 comes out as
// 0.10000000000000002); taking them as text keeps the server's exact digits.
const EXACT_DOUBLES = { typeMapping: { [RESP_TYPES.DOUBLE]: String } };

for (const RESP of [2, 3] as const) {
  describe(`node-redis over RESP${RESP}`, () => {
    let client: ReturnType<typeof makeClient>;

    before(async () => {
      client = makeClient(server.port, server.host, RESP);
      client.on('error', () => {
        // Connection errors surface through the failing command.
      });
      await client.connect();
    });

    after(() => {
      client.destroy();
    });

    const send = (args: (string | Buffer)[], buffers = false): Promise<Reply> =>
      client.sendCommand(args, buffers ? AS_BUFFERS : EXACT_DOUBLES);

    test('the specification example answers the v0.9 shapes', async () => {
      assert.equal(await send(['AI.TENSORSET', 'foo', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4']), 'OK');
      const meta = (await send(['AI.TENSORGET', 'foo', 'META'])) as Reply[];
      assert.deepEqual(meta, ['FLOAT', [2, 2]]);
      const blob = (await send(['AI.TENSORGET', 'foo', 'BLOB'], true)) as Reply[];
      assert.equal(blob.length, 3);
      assert.deepEqual(blob[2], Buffer.from(Float32Array.of(1, 2, 3, 4).buffer));
      const values = (await send(['AI.TENSORGET', 'foo', 'VALUES'])) as Reply[];
      // RESP2 carries doubles as bulk strings, RESP3 as doubles: both decode to the text here.
      assert.deepEqual(values[2], ['1', '2', '3', '4']);
      if (RESP === 3) {
        const numbers = await client.sendCommand<Reply[]>(['AI.TENSORGET', 'foo', 'VALUES']);
        assert.deepEqual(numbers[2], [1, 2, 3, 4], 'RESP3 doubles decode to numbers by default');
      }
    });

    for (const c of DTYPE_CASES) {
      test(`${c.dtype} round-trips by BLOB and by VALUES`, async () => {
        const shape = c.shape.map(String);
        assert.equal(await send(['AI.TENSORSET', `n${RESP}:b:${c.dtype}`, c.dtype, ...shape, 'BLOB', c.blob]), 'OK');
        assert.equal(await send(['AI.TENSORSET', `n${RESP}:v:${c.dtype}`, c.dtype, ...shape, 'VALUES', ...c.words]), 'OK');
        for (const key of [`n${RESP}:b:${c.dtype}`, `n${RESP}:v:${c.dtype}`]) {
          const blob = (await send(['AI.TENSORGET', key, 'BLOB'], true)) as Reply[];
          assert.equal(String(blob[0]), c.dtype);
          assert.deepEqual(blob[1], [...c.shape]);
          assert.deepEqual(blob[2], c.blob, `${key} BLOB`);
          const values = (await send(['AI.TENSORGET', key, 'VALUES'])) as Reply[];
          const elements = values[2] as (string | number)[];
          if (c.integer) {
            assert.ok(
              elements.every((e) => typeof e === 'number'),
              `${c.dtype} VALUES are integers: ${String(elements)}`,
            );
          }
          if (c.dtype === 'INT64') {
            // Beyond 2^53 a JS number cannot hold the value: check those bytes-exact via BLOB above,
            // and the exact text through the raw socket test.
            assertElements({ ...c, elements: c.elements.map((e) => Number(e)) }, elements.map(Number), `${key} VALUES`);
          } else {
            assertElements(c, elements, `${key} VALUES`);
          }
        }
      });
    }

    test('errors reject with the server message and the connection keeps working', async () => {
      const isErr = (pattern: RegExp) => (err: unknown) =>
        err instanceof Error && err.message.startsWith('ERR ') && pattern.test(err.message);
      await assert.rejects(send(['AI.TENSORSET', 'bad', 'INT8', '1', 'VALUES', '300']), isErr(/^ERR invalid value$/));
      await assert.rejects(send(['AI.TENSORGET', 'nothing-here', 'BLOB']), isErr(/./));
      await assert.rejects(send(['AI.TENSORGET', 'foo', 'NUMPY']), isErr(/./));
      assert.equal(await client.ping(), 'PONG');
    });

    test('concurrent commands are pipelined and answer in order', async () => {
      const n = 500;
      const sets = Array.from({ length: n }, (_, i) => send(['AI.TENSORSET', `n${RESP}:p${i}`, 'INT16', '1', 'VALUES', String(i)]));
      const gets = Array.from({ length: n }, (_, i) => send(['AI.TENSORGET', `n${RESP}:p${i}`, 'VALUES']));
      assert.deepEqual(await Promise.all(sets), Array(n).fill('OK'));
      const replies = (await Promise.all(gets)) as Reply[][];
      replies.forEach((r, i) => {
        assert.deepEqual(r, ['INT16', [1], [i]]);
      });
    });

    test('a 12 MiB tensor round-trips byte-exact', async () => {
      const data = randomBytes(12 * 1024 * 1024);
      assert.equal(await send(['AI.TENSORSET', `n${RESP}:big`, 'INT16', String(data.length / 2), 'BLOB', data]), 'OK');
      const reply = (await send(['AI.TENSORGET', `n${RESP}:big`, 'BLOB'], true)) as Reply[];
      assert.ok((reply[2] as Buffer).equals(data), '12 MiB blob differs');
    });
  });
}
