// Limits: maxmemory refuses commands that add data (OOM) and keeps what is stored; a client past
// its output or query buffer limit is closed while the others are served; a request of millions
// of empty arguments costs memory in proportion; idle clients are closed after --timeout.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { createClient } from 'redis';
import { type Cli, cliFor, errorOf } from '../src/cli-calls.js';
import { asArray, asBuffer, asInteger } from '../src/cli-format.js';
import { assertErr } from '../src/expect.js';
import { type ServerHandle, redisCli, redisPy, startServer } from '../src/harness.js';
import { parseInfo } from '../src/info-text.js';
import { RespSocket, encodeCommand, plain } from '../src/resp-socket.js';

const OOM = /^OOM command not allowed when used memory > 'maxmemory'\.$/;

/** One INFO section's fields (redis-cli prints INFO as it is). */
async function info(server: ServerHandle, section: string): Promise<ReadonlyMap<string, string>> {
  return parseInfo((await redisCli(server.port, ['INFO', section])).stdout).fields;
}

function number(fields: ReadonlyMap<string, string>, name: string): number {
  const v = fields.get(name);
  assert.ok(v !== undefined, `INFO has no ${name}`);
  return Number(v);
}

/** Resident memory of a process in bytes (procps's ps). */
function rssBytes(pid: number): number {
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

describe('maxmemory', () => {
  test('past it, TENSORSET, MODELSET and MODELRUN get OOM; what is stored stays intact; DEL makes room again', async () => {
    const server = await startServer({ args: ['--maxmemory', '1mb', '--loadbackend', 'ONNX', 'e2e/third-party-backend'] });
    const cli: Cli = cliFor(server);
    try {
      const a = randomBytes(600 * 1024);
      const b = randomBytes(600 * 1024);
      assert.deepEqual(await cli(['AI.TENSORSET', 'a', 'UINT8', String(a.length), 'BLOB'], a), { status: 'OK' });
      assert.deepEqual(
        await cli(['AI.TENSORSET', 'b', 'UINT8', String(b.length), 'BLOB'], b),
        { status: 'OK' },
        'under the limit when it starts',
      );
      const mem = await info(server, 'memory');
      assert.equal(number(mem, 'used_memory'), a.length + b.length);
      assert.equal(number(mem, 'maxmemory'), 1024 * 1024);
      assert.equal(mem.get('maxmemory_human'), '1.00M');
      assert.equal(mem.get('maxmemory_policy'), 'noeviction');

      assertErr(errorOf(await cli(['AI.TENSORSET', 'c', 'FLOAT', '2', 'VALUES', '1', '2'])), 'TENSORSET', OOM, 'OOM');
      const model = Buffer.from(JSON.stringify({ op: 'add' }));
      assertErr(errorOf(await cli(['AI.MODELSET', 'm', 'ONNX', 'CPU'], model)), 'MODELSET', OOM, 'OOM');
      assertErr(errorOf(await cli(['AI.MODELRUN', 'm', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'])), 'MODELRUN', OOM, 'OOM');
      // Reads and deletes go on, and every byte stored is still there.
      assert.ok(asBuffer(asArray(await cli(['AI.TENSORGET', 'a', 'BLOB']))[2]).equals(a));
      assert.ok(asBuffer(asArray(await cli(['AI.TENSORGET', 'b', 'BLOB']))[2]).equals(b));
      assert.deepEqual(await cli(['DBSIZE']), { integer: 2n });
      assert.deepEqual(await cli(['DEL', 'b']), { integer: 1n });
      assert.deepEqual(await cli(['AI.MODELSET', 'm', 'ONNX', 'CPU'], model), { status: 'OK' });
      const after = await info(server, 'memory');
      assert.equal(number(after, 'used_memory_models_estimate'), model.length, 'a model counts its blob once more, for the backend');
      assert.equal(number(after, 'used_memory'), a.length + 2 * model.length);
      assert.match(server.output(), /"level":"warning".*"command":"ai\.tensorset".*command refused: used memory is past maxmemory/);
    } finally {
      await server.stop();
    }
  });

  test('CONFIG SET maxmemory takes sizes as redis.conf does; redis-py gets the OOM error', async () => {
    const server = await startServer();
    const cli = cliFor(server);
    try {
      const t = randomBytes(64 * 1024);
      assert.deepEqual(await cli(['AI.TENSORSET', 't', 'UINT8', String(t.length), 'BLOB'], t), { status: 'OK' });
      assert.deepEqual(await cli(['CONFIG', 'SET', 'maxmemory', '32kb']), { status: 'OK' });
      assert.deepEqual(await cli(['CONFIG', 'GET', 'maxmemory']), [Buffer.from('maxmemory'), Buffer.from('32768')]);
      assertErr(errorOf(await cli(['CONFIG', 'SET', 'maxmemory', 'lots'])), 'CONFIG SET', /argument must be a memory value/);
      const py = await redisPy(server.port, {
        code: `import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
try:
    r.execute_command("AI.TENSORSET", "u", "FLOAT", 1, "VALUES", 1)
    print("stored")
except redis.exceptions.ResponseError as err:
    print(type(err).__name__, err)
print(len(r.execute_command("AI.TENSORGET", "t", "BLOB")[2]))`,
      });
      // redis-py 4.3 raises the OOM reply as a ResponseError (later versions as OutOfMemoryError).
      assert.match(
        py.stdout.trim(),
        new RegExp(`^(ResponseError|OutOfMemoryError) OOM command not allowed when used memory > 'maxmemory'\\.\n${t.length}$`),
        py.stderr,
      );
      assert.match(server.output(), /the new maxmemory is below the memory in use/);
      assert.deepEqual(await cli(['CONFIG', 'SET', 'maxmemory', '0']), { status: 'OK' });
      assert.deepEqual(await cli(['AI.TENSORSET', 'u', 'FLOAT', '1', 'VALUES', '1']), { status: 'OK' });
    } finally {
      await server.stop();
    }
  });
});

describe('client buffer limits', () => {
  test('a client that does not read its replies is closed past the output limit; another is served meanwhile', async () => {
    const server = await startServer({ args: ['--client-output-buffer-limit', 'normal', '256kb', '0', '0'] });
    const cli = cliFor(server);
    const good = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
    good.on('error', () => undefined);
    try {
      const blob = randomBytes(64 * 1024);
      assert.deepEqual(await cli(['AI.TENSORSET', 'big', 'UINT8', String(blob.length), 'BLOB'], blob), { status: 'OK' });
      await good.connect();
      // The slow client pipelines 200 reads of 64 KiB and reads none of the replies.
      const slow = connect({ port: server.port, host: '127.0.0.1' });
      const closed = new Promise<void>((resolveClosed) => {
        slow.on('close', () => {
          resolveClosed();
        });
      });
      slow.on('error', () => undefined);
      slow.pause();
      const request = encodeCommand(['AI.TENSORGET', 'big', 'BLOB']);
      slow.write(Buffer.concat(Array.from({ length: 200 }, () => request)));
      const [pong, got] = await Promise.all([good.ping(), good.sendCommand(['AI.TENSORGET', 'big', 'META'])]);
      assert.equal(pong, 'PONG');
      assert.deepEqual(got, ['UINT8', [blob.length]]);
      // Draining what did arrive shows the server ended the connection.
      let received = 0;
      slow.on('data', (chunk: Buffer) => (received += chunk.length));
      slow.resume();
      await closed;
      assert.ok(received < 200 * blob.length, `the slow client got ${received} bytes, not every reply`);
      const stats = await info(server, 'stats');
      assert.equal(number(stats, 'client_output_buffer_limit_disconnections'), 1);
      assert.match(server.output(), /"level":"warning".*"limit":262144.*closing client that reached its output buffer limit/);
      assert.equal(await good.ping(), 'PONG');
    } finally {
      good.destroy();
      await server.stop();
    }
  });

  test('a request past client-query-buffer-limit closes that client only', async () => {
    const server = await startServer({ args: ['--client-query-buffer-limit', '1mb'] });
    try {
      const big = await RespSocket.open(server.port);
      big.write('*2\r\n$4\r\nECHO\r\n$3000000\r\n');
      big.write(Buffer.alloc(64 * 1024, 'x'));
      await big.closed;
      // Many small arguments count too (each with the memory of its object).
      const many = await RespSocket.open(server.port);
      many.write('*1000000\r\n');
      many.write(Buffer.from('$1\r\nx\r\n'.repeat(20_000)));
      await many.closed;
      assert.deepEqual(await cliFor(server)(['PING']), { status: 'PONG' });
      assert.equal(number(await info(server, 'stats'), 'client_query_buffer_limit_disconnections'), 2);
      assert.match(server.output(), /closing client that reached its query buffer limit/);
      assert.deepEqual(await cliFor(server)(['CONFIG', 'GET', 'client-query-buffer-limit']), [
        Buffer.from('client-query-buffer-limit'),
        Buffer.from('1048576'),
      ]);
    } finally {
      await server.stop();
    }
  });

  test('seven million empty arguments cost memory in proportion, and other clients are served while they arrive', async () => {
    const server = await startServer();
    try {
      const before = rssBytes(server.pid);
      const c = await RespSocket.open(server.port);
      const other = await RespSocket.open(server.port);
      const n = 7_000_000;
      c.write(`*${n + 1}\r\n$4\r\nPING\r\n`);
      const chunk = Buffer.from('$0\r\n\r\n'.repeat(100_000));
      for (let sent = 0; sent < n; sent += 100_000) {
        await new Promise<void>((resolveWrite) => {
          c.socket.write(chunk, () => {
            resolveWrite();
          });
        });
        if (sent === n / 2) assert.deepEqual(plain(await other.call('PING')), 'PONG');
      }
      assert.deepEqual(plain(await c.read()), { error: "ERR wrong number of arguments for 'ping' command" });
      const grown = rssBytes(server.pid) - before;
      // 42 MB of request; the argument list itself is 8 bytes an argument (56 MB).
      assert.ok(grown < 400 * 1024 * 1024, `the server grew by ${Math.round(grown / 1e6)} MB`);
      assert.deepEqual(plain(await other.call('PING')), 'PONG');
      await Promise.all([c.close(), other.close()]);
    } finally {
      await server.stop();
    }
  });
});

describe('--timeout', () => {
  test('closes a client idle for longer; INFO clients reports the clients and their buffers', { timeout: 30_000 }, async () => {
    const server = await startServer({ args: ['--timeout', '1', '--loglevel', 'verbose'] });
    try {
      const idle = await RespSocket.open(server.port);
      assert.deepEqual(plain(await idle.call('PING')), 'PONG');
      const clients = await info(server, 'clients');
      assert.equal(number(clients, 'connected_clients'), 2);
      assert.ok(number(clients, 'client_recent_max_input_buffer') >= 0);
      assert.ok(number(clients, 'client_recent_max_output_buffer') >= 0);
      await idle.closed;
      assert.match(server.output(), /"level":"verbose".*closing idle client/);
      assert.deepEqual(await cliFor(server)(['CONFIG', 'GET', 'timeout']), [Buffer.from('timeout'), Buffer.from('1')]);
      assert.deepEqual(asInteger(await cliFor(server)(['DBSIZE'])), 0n);
    } finally {
      await server.stop();
    }
  });
});
