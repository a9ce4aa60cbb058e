// Malformed and oversized frames, empty tensors, and a client that does not read its replies:
// each affects only the connection that caused it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, encodeCommand, plain } from '../src/resp-socket.js';

let server: ServerHandle;
let watcher: RespSocket;

before(async () => {
  server = await startServer({ args: ['--proto-max-bulk-len', '1mb'] });
  watcher = await RespSocket.open(server.port, server.host);
});

after(async () => {
  await watcher.close();
  await server.stop();
});

async function assertOthersServed(): Promise<void> {
  assert.equal(plain(await watcher.call('PING')), 'PONG');
}

describe('protocol limits', () => {
  test('a malformed frame gets a protocol error and closes only that connection', async () => {
    for (const frame of ['*abc\r\n', '*1\r\n$x\r\n', '*2\r\n$4\r\nPING\r\n:5\r\n']) {
      const conn = await RespSocket.open(server.port, server.host);
      conn.write(frame);
      const reply = await conn.read();
      assert.equal(reply.type, 'error', `reply to ${JSON.stringify(frame)}`);
      assert.match((reply as { value: string }).value, /^ERR Protocol error/);
      await conn.closed;
      await assertOthersServed();
    }
  });

  test('a bulk string over --proto-max-bulk-len is refused and the connection closed', async () => {
    const conn = await RespSocket.open(server.port, server.host);
    const size = 2 * 1024 * 1024;
    conn.write(`*6\r\n$12\r\nAI.TENSORSET\r\n$3\r\nbig\r\n$5\r\nUINT8\r\n$${size}\r\n${size}\r\n$4\r\nBLOB\r\n$${size}\r\n`);
    const reply = await conn.read();
    assert.equal(reply.type, 'error');
    assert.match((reply as { value: string }).value, /^ERR Protocol error: invalid bulk length/);
    await conn.closed;
    assert.equal(plain(await watcher.call('EXISTS', 'big')), 0n);
    await assertOthersServed();
  });

  test('a tensor just under the limit is accepted', async () => {
    const blob = Buffer.alloc(1024 * 1024 - 16, 3);
    assert.equal(plain(await watcher.call('AI.TENSORSET', 'under', 'UINT8', blob.length, 'BLOB', blob)), 'OK');
    assert.equal(plain(await watcher.call('DEL', 'under')), 1n);
  });

  test('tensors with a zero dimension are empty, by default, BLOB and VALUES', async () => {
    assert.equal(plain(await watcher.call('AI.TENSORSET', 'empty', 'FLOAT', 3, 0)), 'OK');
    assert.deepEqual(plain(await watcher.call('AI.TENSORGET', 'empty', 'VALUES')), ['FLOAT', [3n, 0n], []]);
    assert.equal(plain(await watcher.call('AI.TENSORSET', 'empty', 'INT64', 0, 'BLOB', Buffer.alloc(0))), 'OK');
    assert.deepEqual(plain(await watcher.call('AI.TENSORGET', 'empty', 'BLOB')), ['INT64', [0n], '']);
  });

  test('a client that does not read its replies does not hold up others', async () => {
    const blob = Buffer.alloc(1000 * 1000, 7);
    assert.equal(plain(await watcher.call('AI.TENSORSET', 'mb', 'UINT8', blob.length, 'BLOB', blob)), 'OK');
    const slow = await RespSocket.open(server.port, server.host);
    slow.socket.pause();
    const count = 300;
    const get = encodeCommand(['AI.TENSORGET', 'mb', 'BLOB']);
    slow.write(Buffer.concat(Array(count).fill(get)));
    for (let i = 0; i < 20; i++) {
      await assertOthersServed();
      assert.deepEqual(plain(await watcher.call('AI.TENSORGET', 'mb', 'META')), ['UINT8', [1000000n]]);
    }
    slow.socket.resume();
    for (let i = 0; i < count; i++) {
      const reply = await slow.read();
      assert.ok(reply.type === 'array' && reply.value?.[2]?.type === 'bulk', `reply ${i}`);
      assert.ok((reply.value[2] as { value: Buffer }).value.equals(blob), `reply ${i} bytes`);
    }
    await slow.close();
  });
});
