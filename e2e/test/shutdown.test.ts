// SHUTDOWN and signals end the server cleanly (exit code 0), with clients connected.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redisCli, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';

describe('shutdown', () => {
  test('SHUTDOWN from redis-cli exits with code 0', async () => {
    const server = await startServer();
    const idle = await RespSocket.open(server.port, server.host);
    assert.equal(plain(await idle.call('AI.TENSORSET', 't', 'FLOAT', 1, 'VALUES', 1)), 'OK');
    await redisCli(server.port, ['SHUTDOWN']);
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    await idle.closed;
  });

  test('SHUTDOWN NOSAVE over a socket closes it and exits with code 0', async () => {
    const server = await startServer();
    const conn = await RespSocket.open(server.port, server.host);
    conn.send('SHUTDOWN', 'NOSAVE');
    await conn.closed;
    assert.deepEqual(await server.exited, { code: 0, signal: null });
  });

  test('SIGINT exits with code 0', async () => {
    const server = await startServer();
    const conn = await RespSocket.open(server.port, server.host);
    assert.equal(plain(await conn.call('PING')), 'PONG');
    process.kill(server.pid, 'SIGINT');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    await conn.closed;
  });

  test('SIGTERM exits with code 0', async () => {
    const server = await startServer();
    const conn = await RespSocket.open(server.port, server.host);
    assert.equal(plain(await conn.call('PING')), 'PONG');
    await server.stop();
    await conn.closed;
  });
});
