// TLS with certificates made by openssl for the test: redis-cli --tls, node-redis and redis-py
// with and without client certificates, under --tls-auth-clients yes, optional and no; a TLS-only
// server (--port 0); TLS next to TCP; and a start refused for a TLS port without certificates.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RESP_TYPES, createClient } from 'redis';
import { type TestCerts, makeCerts } from '../src/certs.js';
import { type Cli, cliFor } from '../src/cli-calls.js';
import { asArray, asBuffer } from '../src/cli-format.js';
import { type ServerHandle, redisCli, redisPy, startServer } from '../src/harness.js';
import { freePort } from '../src/prometheus.js';
import { RespSocket } from '../src/resp-socket.js';

let certs: TestCerts;

before(() => {
  certs = makeCerts();
});

after(() => {
  certs.remove();
});

function tlsArgs(port: number, authClients: string): string[] {
  return [
    '--tls-port',
    String(port),
    '--tls-cert-file',
    certs.serverCert,
    '--tls-key-file',
    certs.serverKey,
    '--tls-ca-cert-file',
    certs.ca,
    '--tls-auth-clients',
    authClients,
    '--loglevel',
    'verbose',
  ];
}

/** redis-cli --tls options: the CA, and a client certificate (ours, another CA's, or none). */
function cliTls(cert: 'client' | 'rogue' | 'none'): string[] {
  const base = ['--tls', '--cacert', certs.ca];
  if (cert === 'client') return [...base, '--cert', certs.clientCert, '--key', certs.clientKey];
  if (cert === 'rogue') return [...base, '--cert', certs.rogueCert, '--key', certs.rogueKey];
  return base;
}

/** A tensor round trip through redis-cli: a 1 MiB BLOB in, the same bytes out. */
async function roundTrip(cli: Cli, key: string): Promise<void> {
  const data = randomBytes(1024 * 1024);
  assert.deepEqual(await cli(['AI.TENSORSET', key, 'UINT8', String(data.length), 'BLOB'], data), { status: 'OK' });
  const got = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
  assert.ok(asBuffer(got[2]).equals(data), 'the blob came back intact');
}

function nodeRedis(port: number, cert: 'client' | 'none', RESP: 2 | 3 = 2) {
  const c = createClient({
    RESP,
    socket: {
      tls: true,
      host: '127.0.0.1',
      port,
      ca: certs.read(certs.ca),
      ...(cert === 'client' ? { cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) } : {}),
      reconnectStrategy: false,
    },
  });
  c.on('error', () => {
    // Failures surface through connect() or the command that meets them.
  });
  return c;
}

const PY_TLS = `import sys, numpy as np, redis
port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
kwargs = dict(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=ca, ssl_cert_reqs="required")
if cert != "-":
    kwargs.update(ssl_certfile=cert, ssl_keyfile=key)
r = redis.Redis(**kwargs)
try:
    x = np.random.default_rng(7).standard_normal((64, 1024)).astype("<f4")
    assert r.execute_command("AI.TENSORSET", "py:t", "FLOAT", 64, 1024, "BLOB", x.tobytes()) == b"OK"
    got = r.execute_command("AI.TENSORGET", "py:t", "BLOB")
    assert got[0] == b"FLOAT" and got[1] == [64, 1024], got[:2]
    assert np.array_equal(np.frombuffer(got[2], dtype="<f4").reshape(64, 1024), x)
    print("ok")
except redis.exceptions.ConnectionError as err:
    print("refused")
`;

async function py(port: number, cert: 'client' | 'none'): Promise<string> {
  const r = await redisPy(port, { code: PY_TLS }, [certs.ca, ...(cert === 'client' ? [certs.clientCert, certs.clientKey] : ['-', '-'])]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe('TLS only (--port 0), client certificates required', () => {
  let server: ServerHandle;
  let tlsPort: number;

  before(async () => {
    tlsPort = await freePort();
    server = await startServer({ args: ['--port', '0', ...tlsArgs(tlsPort, 'yes')] });
  });

  after(async () => {
    await server.stop();
  });

  test('the server announces its TLS listener and has no TCP one', () => {
    assert.equal(server.port, tlsPort);
    assert.match(server.output(), /^Ready to accept connections tls 127\.0\.0\.1:\d+$/m);
    assert.doesNotMatch(server.output(), /^Ready to accept connections tcp/m);
  });

  test('redis-cli --tls with a client certificate stores and reads tensors', async () => {
    await roundTrip(cliFor(tlsPort, cliTls('client')), 'cli:t');
  });

  test('redis-cli without a client certificate, or with one of another CA, is refused; others go on', async () => {
    for (const cert of ['none', 'rogue'] as const) {
      const r = await redisCli(tlsPort, [...cliTls(cert), 'PING']);
      assert.doesNotMatch(r.stdout, /PONG/, `${cert}: ${r.stdout}`);
    }
    assert.match(server.output(), /"level":"verbose".*failed a TLS handshake/);
    assert.deepEqual(await cliFor(tlsPort, cliTls('client'))(['PING']), { status: 'PONG' });
  });

  test('plain TCP to the TLS port gets nothing, and the server goes on', async () => {
    const c = await RespSocket.open(tlsPort);
    c.send('PING');
    await c.closed;
    assert.deepEqual(await cliFor(tlsPort, cliTls('client'))(['PING']), { status: 'PONG' });
  });

  for (const RESP of [2, 3] as const) {
    test(`node-redis over TLS (RESP${RESP}) with a client certificate: a 4 MiB tensor both ways`, async () => {
      const c = nodeRedis(tlsPort, 'client', RESP);
      await c.connect();
      try {
        const data = randomBytes(4 * 1024 * 1024);
        assert.equal(await c.sendCommand(['AI.TENSORSET', `nr${RESP}`, 'UINT8', String(data.length), 'BLOB', data]), 'OK');
        const got = await c.sendCommand<unknown[]>(['AI.TENSORGET', `nr${RESP}`, 'BLOB'], {
          typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer },
        });
        assert.ok((got[2] as Buffer).equals(data));
      } finally {
        c.destroy();
      }
    });
  }

  test('node-redis without a client certificate cannot connect', async () => {
    const c = nodeRedis(tlsPort, 'none');
    await assert.rejects(async () => {
      await c.connect();
      await c.ping();
    });
    if (c.isOpen) c.destroy();
  });

  test('redis-py over TLS with a client certificate: numpy tensors both ways; without one, refused', async () => {
    assert.equal(await py(tlsPort, 'client'), 'ok');
    assert.equal(await py(tlsPort, 'none'), 'refused');
  });
});

describe('--tls-auth-clients optional, TLS next to TCP, with a password', () => {
  let server: ServerHandle;
  let tlsPort: number;

  before(async () => {
    tlsPort = await freePort();
    // With a TLS port, --port 0 would mean TLS only: the TCP port is named.
    server = await startServer({
      args: ['--port', String(await freePort()), ...tlsArgs(tlsPort, 'optional'), '--requirepass', 'tls-pass'],
    });
  });

  after(async () => {
    await server.stop();
  });

  test('no certificate is fine, one from another CA is not; the password is still needed', async () => {
    const auth = ['-a', 'tls-pass', '--no-auth-warning'];
    await roundTrip(cliFor(tlsPort, [...cliTls('none'), ...auth]), 'opt:t');
    assert.deepEqual(await cliFor(tlsPort, [...cliTls('client'), ...auth])(['PING']), { status: 'PONG' });
    const rogue = await redisCli(tlsPort, [...cliTls('rogue'), ...auth, 'PING']);
    assert.doesNotMatch(rogue.stdout, /PONG/);
    assert.match(server.output(), /client certificate refused/);
    const noPass = await redisCli(tlsPort, [...cliTls('none'), 'PING']);
    assert.match(noPass.stdout, /NOAUTH Authentication required/);
  });

  test('the TCP port serves the same data in the clear', async () => {
    assert.notEqual(server.port, tlsPort);
    const tcp = cliFor(server, ['-a', 'tls-pass', '--no-auth-warning']);
    const got = asArray(await tcp(['AI.TENSORGET', 'opt:t', 'META']));
    assert.equal(got.length, 2);
    assert.deepEqual(await tcp(['CONFIG', 'GET', 'tls-port']), [Buffer.from('tls-port'), Buffer.from(String(tlsPort))]);
  });
});

describe('--tls-auth-clients no', () => {
  test('clients connect without certificates', async () => {
    const tlsPort = await freePort();
    const server = await startServer({ args: tlsArgs(tlsPort, 'no') });
    try {
      assert.deepEqual(await cliFor(tlsPort, cliTls('none'))(['PING']), { status: 'PONG' });
      const c = nodeRedis(tlsPort, 'none', 3);
      await c.connect();
      assert.equal(await c.ping(), 'PONG');
      c.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('TLS configuration errors', () => {
  test('a TLS port without certificates stops the start with a message naming the flags', async () => {
    const tlsPort = await freePort();
    await assert.rejects(startServer({ args: ['--tls-port', String(tlsPort)] }), /--tls-port needs --tls-cert-file and --tls-key-file/);
    await assert.rejects(
      startServer({ args: ['--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', '/nonexistent/key.pem'] }),
      /cannot read --tls-key-file '\/nonexistent\/key\.pem'/,
    );
  });
});
