// A server bound to a second, non-loopback address of this machine: clients that connect
// through it are not local (their address is not 127.0.0.0/8 or ::1), exactly as clients from
// other hosts are. Protected mode refuses them while the default user has no password; with a
// password they may work, but AI.CONFIG LOADBACKEND stays refused to them under the default
// --enable-loadbackend-command local.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { type Cli, cliFor, errorOf } from '../src/cli-calls.js';
import { word } from '../src/cli-format.js';
import { assertErr } from '../src/expect.js';
import { redisCli, redisPy, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';

const BACKEND_DIR = 'e2e/third-party-backend';

/** An address of this machine beyond the loopback interface, if it has one. */
function externalAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = all.find((a) => a.family === 'IPv4' && !a.internal);
  if (v4) return v4.address;
  return all.find((a) => a.family === 'IPv6' && !a.internal && !a.address.startsWith('fe80'))?.address;
}

const EXTERNAL = externalAddress();
const SKIP = EXTERNAL === undefined ? 'this machine has no address beyond the loopback interface' : false;
const LOADBACKEND_REFUSED = /^ERR AI\.CONFIG LOADBACKEND command not allowed\. If the enable-loadbackend-command option is set to "local"/;

describe('clients from another address', { skip: SKIP }, () => {
  const external = EXTERNAL!;

  test('protected mode: DENIED to redis-cli and redis-py through the external address, served on loopback; a warning at start', async () => {
    const server = await startServer({ args: ['--bind', '127.0.0.1', external] });
    try {
      const far = await redisCli(server.port, ['PING'], undefined, external);
      assert.match(
        far.stdout + far.stderr,
        /DENIED modelkv is running in protected mode because protected mode is enabled and no password is set for the default user/,
      );
      // The server refuses as soon as the connection opens: redis-py meets the DENIED line as the
      // reply to its command, or finds the connection closed with data waiting (a race, as with Redis).
      const py = await redisPy(server.port, {
        code: `import sys, redis
try:
    redis.Redis(host=${JSON.stringify(external)}, port=int(sys.argv[1])).ping()
    print("served")
except redis.exceptions.ResponseError as err:
    print(str(err)[:6])
except redis.exceptions.ConnectionError as err:
    print("closed")`,
      });
      assert.match(py.stdout.trim(), /^(DENIED|closed)$/, py.stderr);
      const raw = await RespSocket.open(server.port, external);
      assert.match((plain(await raw.read()) as { error: string }).error, /^DENIED modelkv is running in protected mode/);
      await raw.closed;
      assert.deepEqual(await cliFor(server)(['PING']), { status: 'PONG' }, 'loopback clients are served');
      assert.match(server.output(), /"level":"warning".*beyond the loopback interface, and the default user has no password/);
      // Once the default user has a password, far clients may authenticate.
      assert.deepEqual(await cliFor(server)(['CONFIG', 'SET', 'requirepass', 'far-pass']), { status: 'OK' });
      const authed: Cli = cliFor(server, ['-a', 'far-pass', '--no-auth-warning'], external);
      assert.deepEqual(await authed(['PING']), { status: 'PONG' });
      // redis-cli prints the verbatim reply as it is (a status line to parseCli).
      const info = word(await authed(['CLIENT', 'INFO']));
      assert.ok(info.includes(`addr=${external}:`), `the server sees the client at the external address: ${info}`);
    } finally {
      await server.stop();
    }
  });

  test('LOADBACKEND under the default "local": refused to a client through the external address, loaded for a loopback one', async () => {
    const server = await startServer({ args: ['--bind', '127.0.0.1', external, '--requirepass', 'p'] });
    try {
      const far = cliFor(server, ['-a', 'p', '--no-auth-warning'], external);
      const near = cliFor(server, ['-a', 'p', '--no-auth-warning']);
      assertErr(errorOf(await far(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR])), 'far LOADBACKEND', LOADBACKEND_REFUSED);
      assert.match(
        server.output(),
        /"level":"warning".*"addr":"[^"]*","user":"default","backend":"ONNX","path":"e2e\/third-party-backend","reason":"AI.CONFIG LOADBACKEND command not allowed/,
      );
      assert.deepEqual(await near(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR]), { status: 'OK' });
      assert.match(
        server.output(),
        /"level":"notice".*"backend":"ONNX".*"resolved":"[^"]*third-party-backend".*AI.CONFIG LOADBACKEND loaded a backend/,
      );
    } finally {
      await server.stop();
    }
  });

  test('--enable-loadbackend-command yes lets the far client load it; protected mode off serves it without a password', async () => {
    const server = await startServer({
      args: ['--bind', '127.0.0.1', external, '--protected-mode', 'no', '--enable-loadbackend-command', 'yes'],
    });
    try {
      const far = cliFor(server, [], external);
      assert.deepEqual(await far(['AI.CONFIG', 'LOADBACKEND', 'ONNX', BACKEND_DIR]), { status: 'OK' });
      assert.match(
        server.output(),
        /protected mode off and no password for the default user: anyone who reaches the port may run any command/,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('--enable-loadbackend-command no', () => {
  test('refuses LOADBACKEND even to loopback clients; --loadbackend at start still loads', async () => {
    const server = await startServer({ args: ['--enable-loadbackend-command', 'no', '--loadbackend', 'ONNX', BACKEND_DIR] });
    try {
      const cli = cliFor(server);
      assertErr(errorOf(await cli(['AI.CONFIG', 'LOADBACKEND', 'TF', BACKEND_DIR])), 'LOADBACKEND', LOADBACKEND_REFUSED);
      const info = await redisCli(server.port, ['INFO', 'backends']);
      assert.match(info.stdout, /^backend_onnx:.*arith-1\.0\.0/m);
      assert.match(info.stdout, /^backends_loaded:1/m);
      assert.deepEqual(await cli(['CONFIG', 'GET', 'enable-loadbackend-command']), [
        Buffer.from('enable-loadbackend-command'),
        Buffer.from('no'),
      ]);
      assertErr(errorOf(await cli(['CONFIG', 'SET', 'enable-loadbackend-command', 'yes'])), 'CONFIG SET', /can't set immutable config/);
    } finally {
      await server.stop();
    }
  });
});
