// RESP3 after HELLO 3, byte types checked on the wire.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { type RespReply, RespSocket, plain } from '../src/resp-socket.js';

const server = useServer();

function elements(reply: RespReply): RespReply[] {
  assert.equal(reply.type, 'array', `expected an array, got ${reply.type}`);
  return (reply as { value: RespReply[] }).value;
}

describe('RESP3', () => {
  test('HELLO 3 answers a map with proto 3, and doubles come as doubles', async () => {
    const conn = await RespSocket.open(server.port, server.host);
    try {
      const hello = await conn.call('HELLO', '3');
      assert.equal(hello.type, 'map');
      const fields = new Map((hello as { value: [RespReply, RespReply][] }).value.map(([k, v]) => [String(plain(k)), plain(v)]));
      assert.equal(fields.get('proto'), 3n);
      assert.ok(fields.has('server') && fields.has('version') && fields.has('id'), [...fields.keys()].join(','));

      assert.equal(plain(await conn.call('AI.TENSORSET', 'd', 'DOUBLE', 5, 'VALUES', '1.5', '-0.25', 'inf', '-inf', '0.1')), 'OK');
      const reply = elements(await conn.call('AI.TENSORGET', 'd', 'VALUES'));
      assert.deepEqual(plain(reply[1]!), [5n]);
      const values = elements(reply[2]!);
      assert.ok(
        values.every((v) => v.type === 'double'),
        `all doubles: ${values.map((v) => v.type).join(',')}`,
      );
      const nums = values.map((v) => Number((v as { value: string }).value.replace(/^(-?)inf$/, '$1Infinity')));
      assert.deepEqual(nums, [1.5, -0.25, Infinity, -Infinity, 0.1]);

      assert.equal(plain(await conn.call('AI.TENSORSET', 'f', 'FLOAT', 1, 'VALUES', 'nan')), 'OK');
      const nan = elements(elements(await conn.call('AI.TENSORGET', 'f', 'VALUES'))[2]!)[0]!;
      assert.equal(nan.type, 'double');
      assert.equal((nan as { value: string }).value.toLowerCase(), 'nan');

      assert.equal(plain(await conn.call('AI.TENSORSET', 'i', 'INT16', 2, 'VALUES', 3, -4)), 'OK');
      const ints = elements(elements(await conn.call('AI.TENSORGET', 'i', 'VALUES'))[2]!);
      assert.deepEqual(
        ints.map((v) => v.type),
        ['integer', 'integer'],
      );

      const blob = elements(await conn.call('AI.TENSORGET', 'i', 'BLOB'));
      assert.equal(blob[2]!.type, 'bulk');
      assert.ok((blob[2] as { value: Buffer }).value.equals(Buffer.from(Int16Array.of(3, -4).buffer)));

      const missing = await conn.call('CLIENT', 'GETNAME');
      assert.equal(missing.type, 'null', 'RESP3 null for no name');
    } finally {
      await conn.close();
    }
  });

  test('HELLO 2 switches back: doubles as bulk strings again', async () => {
    const conn = await RespSocket.open(server.port, server.host);
    try {
      assert.equal((await conn.call('HELLO', '3')).type, 'map');
      const back = await conn.call('HELLO', '2');
      assert.equal(back.type, 'array', 'HELLO 2 answers a flat array');
      assert.equal(plain(await conn.call('AI.TENSORSET', 'two', 'FLOAT', 1, 'VALUES', '0.5')), 'OK');
      const values = elements(elements(await conn.call('AI.TENSORGET', 'two', 'VALUES'))[2]!);
      assert.equal(values[0]!.type, 'bulk');
      assert.equal(plain(values[0]!), '0.5');
    } finally {
      await conn.close();
    }
  });

  test('an unsupported protocol version is refused and the connection stays usable', async () => {
    const conn = await RespSocket.open(server.port, server.host);
    try {
      const reply = await conn.call('HELLO', '4');
      assert.equal(reply.type, 'error');
      assert.match((reply as { value: string }).value, /^NOPROTO /);
      assert.equal(plain(await conn.call('PING')), 'PONG');
    } finally {
      await conn.close();
    }
  });
});
