// Authentication and ACL users through node-redis: its own AUTH (RESP2) and HELLO 3 AUTH (RESP3)
// handshakes, the errors it raises for NOAUTH, WRONGPASS and NOPERM, its ACL helpers (aclSetUser,
// aclLog, aclGetUser, aclWhoAmI), and a user that may run models but not upload them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESP_TYPES, createClient } from 'redis';
import { useServer } from '../src/file-server.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';

const PASS = 'node-redis secret';
const server = useServer({ args: ['--requirepass', PASS, ...ONNX_BACKEND_ARGS] });
const tiny = onnxFixture('tiny_mul');
const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

type Client = ReturnType<typeof createClient>;
const opened: Client[] = [];

function client(options: { username?: string; password?: string; RESP?: 2 | 3 } = {}): Client {
  const c = createClient({ socket: { port: server.port, host: server.host, reconnectStrategy: false }, ...options });
  c.on('error', () => {
    // Failures surface through the command or connect() that meets them.
  });
  opened.push(c);
  return c;
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.match(err.message, pattern);
    return true;
  });
}

after(() => {
  for (const c of opened) if (c.isOpen) c.destroy();
});

describe('node-redis against a server with a password', () => {
  test('without credentials every command is NOAUTH', async () => {
    const c = client();
    await c.connect();
    await rejectsWith(c.ping(), /^NOAUTH Authentication required\.$/);
    await rejectsWith(c.sendCommand(['AI.TENSORSET', 't', 'FLOAT', '1', 'VALUES', '1']), /^NOAUTH/);
  });

  test('a wrong password fails the connect with WRONGPASS, over RESP2 (AUTH) and RESP3 (HELLO AUTH)', async () => {
    await rejectsWith(client({ password: 'wrong' }).connect(), /^WRONGPASS invalid username-password pair or user is disabled\.$/);
    await rejectsWith(client({ username: 'default', password: 'wrong', RESP: 3 }).connect(), /^WRONGPASS/);
  });

  for (const RESP of [2, 3] as const) {
    test(`the password authenticates over RESP${RESP}, and tensors go both ways`, async () => {
      const c = client({ password: PASS, RESP });
      await c.connect();
      assert.equal(await c.aclWhoAmI(), 'default');
      const t = tiny.inputs[0]!;
      assert.equal(await c.sendCommand(['AI.TENSORSET', `t${RESP}`, t.dtype, ...t.shape.map(String), 'BLOB', t.bytes]), 'OK');
      const got = await c.sendCommand<unknown[]>(['AI.TENSORGET', `t${RESP}`, 'BLOB'], AS_BUFFERS);
      assert.ok((got[2] as Buffer).equals(t.bytes));
    });
  }
});

describe('node-redis as an ACL user', () => {
  let admin: Client;

  before(async () => {
    admin = client({ password: PASS });
    await admin.connect();
    assert.equal(await admin.sendCommand(['AI.MODELSET', 'mul', 'ONNX', 'CPU', tiny.model]), 'OK');
    assert.equal(await admin.aclSetUser('infer', ['on', '>infer-pass', '+@ai', '-@dangerous', '%R~in:*', '%R~mul', '~out:*']), 'OK');
  });

  test('runs a model and sets tensors; uploading a model or a script is NOPERM', async () => {
    const c = client({ username: 'infer', password: 'infer-pass' });
    await c.connect();
    const [a, b] = tiny.inputs;
    for (const [key, t] of [
      ['in:a', a!],
      ['in:b', b!],
    ] as const) {
      assert.equal(await admin.sendCommand(['AI.TENSORSET', key, t.dtype, ...t.shape.map(String), 'BLOB', t.bytes]), 'OK');
    }
    assert.equal(await c.sendCommand(['AI.TENSORSET', 'out:scratch', 'FLOAT', '2', 'VALUES', '1', '2']), 'OK');
    assert.equal(await c.sendCommand(['AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'in:b', 'OUTPUTS', 'out:c']), 'OK');
    const got = await c.sendCommand<unknown[]>(['AI.TENSORGET', 'out:c', 'BLOB'], AS_BUFFERS);
    assert.ok((got[2] as Buffer).equals(tiny.outputs[0]!.bytes));
    await rejectsWith(
      c.sendCommand(['AI.MODELSET', 'out:m', 'ONNX', 'CPU', tiny.model]),
      /^NOPERM User infer has no permissions to run the 'ai\.modelset' command$/,
    );
    await rejectsWith(c.sendCommand(['AI.SCRIPTSET', 'out:s', 'CPU', 'def f(a):\n    return a\n']), /^NOPERM .*'ai\.scriptset'/);
    await rejectsWith(
      c.sendCommand(['AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'in:b', 'OUTPUTS', 'in:c']),
      /^NOPERM No permissions to access a key$/,
    );
    assert.equal(await admin.exists(['out:m', 'out:s', 'in:c']), 0);
  });

  test('aclLog and aclGetUser parse what the server reports', async () => {
    const log = await admin.aclLog(5);
    const key = log.find((e) => e.reason === 'key');
    assert.ok(key, JSON.stringify(log));
    assert.equal(key.object, 'in:c');
    assert.equal(key.username, 'infer');
    assert.equal(key.context, 'toplevel');
    assert.match(key['client-info'], /user=infer/);
    assert.ok(key['age-seconds'] >= 0);
    const user = await admin.aclGetUser('infer');
    assert.deepEqual(user.flags, ['on']);
    assert.equal(user.commands, '-@all +@ai -@dangerous');
    assert.equal(user.keys, '%R~in:* %R~mul ~out:*');
    assert.equal(await admin.aclDelUser('infer'), 1);
  });
});
