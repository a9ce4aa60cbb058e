// The generic Redis commands on a keyspace of tensors, over a bare RESP socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ServerHandle, startServer } from '../src/harness.js';
import { type RespReply, RespSocket, encodeCommand, plain, text } from '../src/resp-socket.js';

let server: ServerHandle;
let conn: RespSocket;

before(async () => {
  server = await startServer();
  conn = await RespSocket.open(server.port, server.host);
});

after(async () => {
  await conn.close();
  await server.stop();
});

const call = async (...args: (string | Buffer | number)[]): Promise<unknown> => plain(await conn.call(...args));

function errorText(reply: RespReply): string {
  assert.equal(
    reply.type,
    'error',
    `expected an error, got ${JSON.stringify(plain(reply), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
  return (reply as { value: string }).value;
}

async function setTensors(keys: string[]): Promise<void> {
  for (const k of keys) assert.equal(await call('AI.TENSORSET', k, 'UINT8', 1, 'VALUES', 7), 'OK');
}

describe('generic commands', () => {
  test('PING, ECHO', async () => {
    assert.equal(await call('PING'), 'PONG');
    assert.equal(await call('PING', 'hello'), 'hello');
    assert.equal(await call('ECHO', 'a\r\nb'), 'a\r\nb');
  });

  test('EXISTS, TYPE, DEL and UNLINK see tensors', async () => {
    await setTensors(['g:a', 'g:b', 'g:c']);
    assert.equal(await call('EXISTS', 'g:a'), 1n);
    assert.equal(await call('EXISTS', 'g:a', 'g:b', 'g:missing', 'g:a'), 3n);
    assert.equal(await call('TYPE', 'g:a'), 'AI_TENSOR');
    assert.equal(await call('TYPE', 'g:missing'), 'none');
    assert.equal(await call('DEL', 'g:a', 'g:missing'), 1n);
    assert.equal(await call('UNLINK', 'g:b', 'g:c'), 2n);
    assert.equal(await call('EXISTS', 'g:a', 'g:b', 'g:c'), 0n);
    assert.equal(await call('DEL', 'g:a'), 0n);
  });

  test('KEYS matches glob patterns', async () => {
    await setTensors(['k:1', 'k:2', 'k:10', 'k:a', 'other']);
    const sorted = async (pattern: string) => ((await call('KEYS', pattern)) as string[]).sort();
    assert.deepEqual(await sorted('k:*'), ['k:1', 'k:10', 'k:2', 'k:a']);
    assert.deepEqual(await sorted('k:?'), ['k:1', 'k:2', 'k:a']);
    assert.deepEqual(await sorted('k:[12]'), ['k:1', 'k:2']);
    assert.deepEqual(await sorted('nomatch*'), []);
  });

  test('SCAN visits every key once its cursor returns to 0', async () => {
    const keys = Array.from({ length: 137 }, (_, i) => `scan:${i}`);
    await setTensors(keys);
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, batch] = (await call('SCAN', cursor, 'MATCH', 'scan:*', 'COUNT', 20)) as [string, string[]];
      batch.forEach((k) => seen.add(k));
      cursor = next;
      rounds++;
      assert.ok(rounds < 1000, 'SCAN never returned cursor 0');
    } while (cursor !== '0');
    assert.deepEqual([...seen].sort(), keys.sort());
  });

  test('DBSIZE, FLUSHDB and FLUSHALL', async () => {
    assert.equal(await call('FLUSHDB'), 'OK');
    assert.equal(await call('DBSIZE'), 0n);
    await setTensors(['d:1', 'd:2']);
    assert.equal(await call('DBSIZE'), 2n);
    assert.equal(await call('FLUSHALL'), 'OK');
    assert.equal(await call('DBSIZE'), 0n);
  });

  test('INFO reports the keyspace, and a backends section', async () => {
    await setTensors(['i:1', 'i:2', 'i:3']);
    const keyspace = (await call('INFO', 'keyspace')) as string;
    assert.match(keyspace, /# Keyspace/);
    assert.match(keyspace, /^db0:keys=3,/m);
    const all = (await call('INFO')) as string;
    for (const section of ['Server', 'Clients', 'Memory', 'Keyspace']) assert.match(all, new RegExp(`^# ${section}\\r?$`, 'm'));
    assert.match(all, /^# \w*[Bb]ackends\r?$/m, 'INFO lists a backends section');
    assert.equal(await call('FLUSHDB'), 'OK');
  });

  test('CLIENT ID, SETNAME, GETNAME, SETINFO and LIST', async () => {
    const id = await call('CLIENT', 'ID');
    assert.equal(typeof id, 'bigint');
    assert.equal(await call('CLIENT', 'GETNAME'), null);
    assert.equal(await call('CLIENT', 'SETNAME', 'e2e-conn'), 'OK');
    assert.equal(await call('CLIENT', 'GETNAME'), 'e2e-conn');
    assert.equal(await call('CLIENT', 'SETINFO', 'LIB-NAME', 'e2e'), 'OK');
    const list = (await call('CLIENT', 'LIST')) as string;
    assert.match(list, new RegExp(`id=${String(id)} .*name=e2e-conn`));
  });

  test('SELECT 0 is the only database', async () => {
    assert.equal(await call('SELECT', 0), 'OK');
    assert.match(errorText(await conn.call('SELECT', 1)), /^ERR /);
  });

  test('CONFIG GET and COMMAND answer what clients ask at connect time', async () => {
    const config = await call('CONFIG', 'GET', 'proto-max-bulk-len');
    assert.ok(Array.isArray(config), 'CONFIG GET answers an array');
    assert.ok(Array.isArray(await call('CONFIG', 'GET', 'save')));
    const count = await call('COMMAND', 'COUNT');
    assert.equal(typeof count, 'bigint');
    assert.ok((count as bigint) > 20n);
    const [info] = (await call('COMMAND', 'INFO', 'AI.TENSORGET')) as unknown[][];
    assert.equal(String(info?.[0]).toLowerCase(), 'ai.tensorget');
    assert.equal(info?.[1], -2n, 'AI.TENSORGET takes a key and up to two format words');
  });

  test('wrong arity and unknown commands answer like Redis', async () => {
    assert.equal(errorText(await conn.call('EXISTS')), "ERR wrong number of arguments for 'exists' command");
    assert.match(errorText(await conn.call('AI.TENSORGET')), /^ERR wrong number of arguments for 'ai\.tensorget' command$/i);
    assert.match(
      errorText(await conn.call('AI.TENSORGET', 'x', 'META', 'BLOB', 'x')),
      /^ERR wrong number of arguments for 'ai\.tensorget' command$/i,
    );
    assert.match(
      errorText(await conn.call('NOSUCHCMD', 'a', 'b')),
      /^ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ?$/,
    );
  });
});

describe('the wire protocol', () => {
  test('binary keys and values are kept exact', async () => {
    const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x20, 0x2a, 0x24]);
    const blob = Buffer.from([0x0d, 0x0a, 0x00, 0x24, 0x2a, 0x0a, 0xff, 0x80]);
    assert.equal(await call('AI.TENSORSET', key, 'UINT8', 8, 'BLOB', blob), 'OK');
    assert.equal(await call('EXISTS', key), 1n);
    const keys = await conn.call('KEYS', '*');
    assert.ok(keys.type === 'array' && keys.value?.some((k) => k.type === 'bulk' && k.value?.equals(key)), 'KEYS returns the binary key');
    const reply = await conn.call('AI.TENSORGET', key, 'BLOB');
    assert.ok(reply.type === 'array' && reply.value?.[2]?.type === 'bulk');
    assert.ok((reply.value[2] as { value: Buffer }).value.equals(blob));
    assert.equal(await call('DEL', key), 1n);
  });

  test('inline commands', async () => {
    conn.write('PING\r\n');
    assert.equal(plain(await conn.read()), 'PONG');
    conn.write('AI.TENSORSET inline INT8 2 VALUES 1 -2\r\n');
    assert.equal(plain(await conn.read()), 'OK');
    assert.deepEqual(await call('AI.TENSORGET', 'inline', 'VALUES'), ['INT8', [2n], [1n, -2n]]);
  });

  test('a command sent one byte at a time', async () => {
    const bytes = encodeCommand(['AI.TENSORSET', 'slow', 'INT16', 1, 'BLOB', Buffer.of(0x01, 0x02)]);
    for (const b of bytes) {
      conn.write(Buffer.of(b));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(plain(await conn.read()), 'OK');
    assert.deepEqual(await call('AI.TENSORGET', 'slow', 'VALUES'), ['INT16', [1n], [513n]]);
  });

  test('thousands of pipelined commands in one write answer in order', async () => {
    const parts: Buffer[] = [];
    const expected: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      parts.push(encodeCommand(['AI.TENSORSET', `pipe:${i}`, 'INT32', 2, 'VALUES', i, -i]));
      expected.push('OK');
      if (i % 7 === 0) {
        parts.push(encodeCommand(['AI.TENSORSET', `pipe:${i}`, 'INT32', 2, 'VALUES', i]));
        expected.push('error');
      }
      parts.push(encodeCommand(['AI.TENSORGET', `pipe:${i}`, 'VALUES']));
      expected.push(['INT32', [2n], [BigInt(i), BigInt(-i)]]);
    }
    conn.write(Buffer.concat(parts));
    const replies = await conn.readMany(expected.length);
    replies.forEach((r, i) => {
      if (expected[i] === 'error') assert.equal(r.type, 'error', `reply ${i}`);
      else assert.deepEqual(plain(r), expected[i], `reply ${i}`);
    });
    assert.equal(await call('PING'), 'PONG');
  });

  test('pipelined multi-megabyte tensors answer in order', async () => {
    const blobs = Array.from({ length: 6 }, (_, i) => Buffer.alloc(2 * 1024 * 1024, i + 1));
    conn.write(
      Buffer.concat(
        blobs.flatMap((b, i) => [
          encodeCommand(['AI.TENSORSET', `mb:${i}`, 'UINT8', b.length, 'BLOB', b]),
          encodeCommand(['AI.TENSORGET', `mb:${i}`, 'BLOB']),
        ]),
      ),
    );
    for (let i = 0; i < blobs.length; i++) {
      assert.equal(plain(await conn.read()), 'OK');
      const reply = await conn.read();
      assert.ok(reply.type === 'array' && reply.value?.[2]?.type === 'bulk');
      assert.ok((reply.value[2] as { value: Buffer }).value.equals(blobs[i]!), `tensor ${i}`);
    }
    assert.equal(await call('DEL', ...blobs.map((_, i) => `mb:${i}`)), BigInt(blobs.length));
  });

  test('INT64 extremes come back as exact RESP integers', async () => {
    assert.equal(await call('AI.TENSORSET', 'i64', 'INT64', 2, 'VALUES', '-9223372036854775808', '9223372036854775807'), 'OK');
    assert.deepEqual(await call('AI.TENSORGET', 'i64', 'VALUES'), ['INT64', [2n], [-9223372036854775808n, 9223372036854775807n]]);
  });

  test('QUIT answers OK and closes the connection', async () => {
    const other = await RespSocket.open(server.port, server.host);
    assert.equal(text(await other.call('QUIT')), 'OK');
    await other.closed;
  });
});
