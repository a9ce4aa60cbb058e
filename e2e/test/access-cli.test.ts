// Authentication and ACL users through redis-cli: a server with --requirepass refuses commands
// before AUTH and wrong passwords; an ACL user that may run models and set tensors cannot upload
// models or scripts or load backends; key patterns apply to a run's INPUTS and OUTPUTS; ACL LOG,
// DRYRUN, CAT, GETUSER, LIST and DELUSER answer as Redis's do.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Cli, cliFor, errorOf } from '../src/cli-calls.js';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, word } from '../src/cli-format.js';
import { assertErr } from '../src/expect.js';
import { useServer } from '../src/file-server.js';
import { redisCli } from '../src/harness.js';
import { parseInfo } from '../src/info-text.js';
import { RespSocket, plain } from '../src/resp-socket.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';

const PASS = 'correct horse battery staple';
const server = useServer({ args: ['--requirepass', PASS, ...ONNX_BACKEND_ARGS] });
const AS_DEFAULT = ['--user', 'default', '--pass', PASS, '--no-auth-warning'];

const anonymous: Cli = cliFor(server);
const admin: Cli = cliFor(server, AS_DEFAULT);
const as = (user: string, pass: string): Cli => cliFor(server, ['--user', user, '--pass', pass, '--no-auth-warning']);

const tiny = onnxFixture('tiny_mul');

async function ok(cli: Cli, args: string[], stdin?: Buffer): Promise<void> {
  assert.deepEqual(await cli(args, stdin), { status: 'OK' }, args.join(' '));
}

async function refused(cli: Cli, args: string[], code: string, pattern: RegExp, stdin?: Buffer): Promise<void> {
  assertErr(errorOf(await cli(args, stdin)), args.join(' '), pattern, code);
}

function tensorArgs(key: string, i: number): string[] {
  const t = tiny.inputs[i]!;
  return ['AI.TENSORSET', key, t.dtype, ...t.shape.map(String), 'BLOB'];
}

/** INFO stats as a map (redis-cli prints INFO as it is, not as a reply). */
async function stats(): Promise<ReadonlyMap<string, string>> {
  return parseInfo((await redisCli(server.port, [...AS_DEFAULT, 'INFO', 'stats'])).stdout).fields;
}

/** ACL LOG entries as maps of their fields. */
async function aclLog(): Promise<Map<string, CliValue>[]> {
  return asArray(await admin(['ACL', 'LOG'])).map((e) => {
    const fields = asArray(e);
    const m = new Map<string, CliValue>();
    for (let i = 0; i < fields.length; i += 2) m.set(word(fields[i]), fields[i + 1]!);
    return m;
  });
}

describe('authentication with --requirepass', () => {
  test('commands before AUTH get NOAUTH; AUTH, HELLO and QUIT are allowed', async () => {
    for (const args of [['PING'], ['AI.TENSORSET', 't', 'FLOAT', '1', 'VALUES', '1'], ['CONFIG', 'GET', 'requirepass'], ['KEYS', '*']]) {
      await refused(anonymous, args, 'NOAUTH', /^NOAUTH Authentication required\.$/);
    }
    await refused(anonymous, ['HELLO', '3'], 'NOAUTH', /HELLO must be called with the client already authenticated/);
    // redis-cli prints INFO's reply as it is, so this one goes over a bare connection.
    const c = await RespSocket.open(server.port);
    assert.deepEqual(plain(await c.call('INFO')), { error: 'NOAUTH Authentication required.' });
    await c.close();
    assert.deepEqual(await anonymous(['QUIT']), { status: 'OK' });
    assert.deepEqual(await admin(['EXISTS', 't']), { integer: 0n }, 'nothing was stored');
  });

  test('a wrong password is WRONGPASS, counted, logged in ACL LOG, and leaves the connection unauthenticated', async () => {
    const before = Number((await stats()).get('acl_access_denied_auth'));
    const c = await RespSocket.open(server.port);
    try {
      assert.deepEqual(plain(await c.call('AUTH', 'wrong')), { error: 'WRONGPASS invalid username-password pair or user is disabled.' });
      assert.deepEqual(plain(await c.call('AUTH', 'nobody', PASS)), {
        error: 'WRONGPASS invalid username-password pair or user is disabled.',
      });
      assert.deepEqual(plain(await c.call('HELLO', '3', 'AUTH', 'default', 'wrong')), {
        error: 'WRONGPASS invalid username-password pair or user is disabled.',
      });
      assert.deepEqual(plain(await c.call('PING')), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(plain(await c.call('AUTH', PASS)), 'OK');
      assert.deepEqual(plain(await c.call('PING')), 'PONG');
    } finally {
      await c.close();
    }
    assert.equal(Number((await stats()).get('acl_access_denied_auth')), before + 3);
    const entries = (await aclLog()).filter((e) => word(e.get('reason')) === 'auth');
    const users = entries.map((e) => word(e.get('username')));
    assert.ok(users.includes('nobody') && users.includes('default'), show(entries.map((e) => [...e.values()])));
    assert.ok(
      entries.every((e) => !asBuffer(e.get('client-info')).toString().includes(PASS)),
      'ACL LOG never holds a password',
    );
  });

  test('redis-cli with the password runs commands; HELLO 3 AUTH authenticates and switches to RESP3', async () => {
    assert.deepEqual(await admin(['PING']), { status: 'PONG' });
    const c = await RespSocket.open(server.port);
    try {
      const hello = await c.call('HELLO', '3', 'AUTH', 'default', PASS);
      assert.equal(hello.type, 'map');
      assert.deepEqual(plain(await c.call('ACL', 'WHOAMI')), 'default');
    } finally {
      await c.close();
    }
  });

  test('CONFIG SET requirepass changes the password for new connections, not for the ones already in', async () => {
    const c = await RespSocket.open(server.port);
    try {
      assert.deepEqual(plain(await c.call('AUTH', PASS)), 'OK');
      assert.deepEqual(plain(await c.call('CONFIG', 'SET', 'requirepass', 'interim')), 'OK');
      assert.deepEqual(plain(await c.call('PING')), 'PONG', 'the authenticated connection goes on');
      await refused(admin, ['PING'], 'NOAUTH', /Authentication required/);
      assert.deepEqual(await as('default', 'interim')(['PING']), { status: 'PONG' });
      assert.deepEqual(plain(await c.call('CONFIG', 'SET', 'requirepass', PASS)), 'OK');
    } finally {
      await c.close();
    }
    assert.deepEqual(await admin(['PING']), { status: 'PONG' });
  });
});

describe('ACL users', () => {
  test('a user that may run models and set tensors, but not upload models or scripts nor load backends', async () => {
    await ok(admin, ['AI.MODELSET', 'mul', 'ONNX', 'CPU'], tiny.model);
    await ok(admin, ['ACL', 'SETUSER', 'runner', 'on', '>run-pass', '~*', '+@ai', '-@dangerous', '+acl|whoami']);
    const runner = as('runner', 'run-pass');
    await ok(runner, tensorArgs('a', 0), tiny.inputs[0]!.bytes);
    await ok(runner, tensorArgs('b', 1), tiny.inputs[1]!.bytes);
    await ok(runner, ['AI.MODELRUN', 'mul', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c']);
    const c = asArray(await runner(['AI.TENSORGET', 'c', 'BLOB']));
    assert.ok(asBuffer(c[2]).equals(tiny.outputs[0]!.bytes), 'the run computed what torch did');
    await refused(
      runner,
      ['AI.MODELSET', 'evil', 'ONNX', 'CPU'],
      'NOPERM',
      /^NOPERM User runner has no permissions to run the 'ai\.modelset' command$/,
      tiny.model,
    );
    await refused(runner, ['AI.SCRIPTSET', 's', 'CPU', 'def f(a):\n    return a\n'], 'NOPERM', /'ai\.scriptset' command$/);
    await refused(runner, ['AI.CONFIG', 'LOADBACKEND', 'TORCH', 'packages/backend-torch'], 'NOPERM', /'ai\.config' command$/);
    await refused(runner, ['CONFIG', 'SET', 'maxmemory', '1'], 'NOPERM', /'config\|set' command$/);
    await refused(runner, ['FLUSHALL'], 'NOPERM', /'flushall' command$/);
    assert.deepEqual(await admin(['EXISTS', 'evil', 's']), { integer: 0n }, 'nothing was uploaded');
    const denied = (await aclLog()).filter((e) => word(e.get('reason')) === 'command' && word(e.get('username')) === 'runner');
    assert.deepEqual(denied.map((e) => word(e.get('object'))).sort(), [
      'ai.config',
      'ai.modelset',
      'ai.scriptset',
      'config|set',
      'flushall',
    ]);
    assert.match(asBuffer(denied[0]!.get('client-info')).toString(), /user=runner/);
  });

  test('key patterns apply to every key of a run: NOPERM for an OUTPUTS key outside them, nothing written', async () => {
    await ok(admin, ['ACL', 'SETUSER', 'scoped', 'on', '>scoped-pass', '+@ai', '-@dangerous', '%R~in:*', '%R~mul', '~out:*']);
    const scoped = as('scoped', 'scoped-pass');
    await ok(admin, tensorArgs('in:a', 0), tiny.inputs[0]!.bytes);
    await ok(admin, tensorArgs('in:b', 1), tiny.inputs[1]!.bytes);
    await ok(scoped, ['AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'in:b', 'OUTPUTS', 'out:c']);
    await refused(
      scoped,
      ['AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'in:b', 'OUTPUTS', 'secret:c'],
      'NOPERM',
      /^NOPERM No permissions to access a key$/,
    );
    await refused(
      scoped,
      ['AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'secret:b', 'OUTPUTS', 'out:d'],
      'NOPERM',
      /No permissions to access a key/,
    );
    await refused(scoped, tensorArgs('in:a', 0), 'NOPERM', /No permissions to access a key/, tiny.inputs[0]!.bytes);
    assert.deepEqual(await admin(['EXISTS', 'secret:c', 'out:d']), { integer: 0n });
    const log = (await aclLog()).filter((e) => word(e.get('reason')) === 'key' && word(e.get('username')) === 'scoped');
    assert.deepEqual(log.map((e) => word(e.get('object'))).sort(), ['in:a', 'secret:b', 'secret:c']);
    assert.equal(word(log[0]!.get('context')), 'toplevel');
    const denied = Number((await stats()).get('acl_access_denied_key'));
    assert.ok(denied >= 3, `acl_access_denied_key: ${denied}`);
  });

  test('ACL DRYRUN says what a user may not do, without running it', async () => {
    assert.deepEqual(await admin(['ACL', 'DRYRUN', 'runner', 'AI.MODELRUN', 'mul', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c']), { status: 'OK' });
    assert.deepEqual(
      asBuffer(await admin(['ACL', 'DRYRUN', 'runner', 'AI.MODELSET', 'm', 'ONNX', 'CPU', 'blob'])).toString(),
      "User runner has no permissions to run the 'ai.modelset' command",
    );
    assert.deepEqual(
      asBuffer(await admin(['ACL', 'DRYRUN', 'scoped', 'AI.MODELRUN', 'mul', 'INPUTS', 'in:a', 'in:b', 'OUTPUTS', 'x'])).toString(),
      "User scoped has no permissions to access the 'x' key",
    );
    await refused(admin, ['ACL', 'DRYRUN', 'ghost', 'PING'], 'ERR', /User 'ghost' not found/);
    await refused(admin, ['ACL', 'DRYRUN', 'runner', 'NOSUCH'], 'ERR', /Command 'NOSUCH' not found/);
  });

  test('ACL CAT lists the AI commands and puts the code-loading ones in @dangerous', async () => {
    const categories = asArray(await admin(['ACL', 'CAT'])).map(word);
    for (const c of ['keyspace', 'read', 'write', 'admin', 'dangerous', 'connection', 'fast', 'slow', 'ai'])
      assert.ok(categories.includes(c), c);
    const ai = asArray(await admin(['ACL', 'CAT', 'ai'])).map(word);
    assert.ok(ai.includes('ai.tensorset') && ai.includes('ai.modelrun') && ai.includes('ai.modelset'), ai.join(' '));
    const dangerous = asArray(await admin(['ACL', 'CAT', 'dangerous'])).map(word);
    for (const c of ['ai.modelset', 'ai.scriptset', 'ai.config', 'flushall', 'keys', 'config|set', 'acl|setuser']) {
      assert.ok(dangerous.includes(c), `${c} in @dangerous: ${dangerous.join(' ')}`);
    }
    assert.ok(!dangerous.includes('ai.modelrun') && !dangerous.includes('ai.tensorset'));
    await refused(admin, ['ACL', 'CAT', 'nosuch'], 'ERR', /Unknown category 'nosuch'/);
  });

  test('ACL GETUSER, LIST, USERS and WHOAMI describe the users in Redis rule syntax', async () => {
    const fields = asArray(await admin(['ACL', 'GETUSER', 'scoped']));
    const m = new Map<string, CliValue>();
    for (let i = 0; i < fields.length; i += 2) m.set(word(fields[i]), fields[i + 1]!);
    assert.deepEqual(asArray(m.get('flags')).map(word), ['on']);
    assert.match(word(asArray(m.get('passwords'))[0]), /^[0-9a-f]{64}$/);
    assert.equal(word(m.get('commands')), '-@all +@ai -@dangerous');
    assert.equal(word(m.get('keys')), '%R~in:* %R~mul ~out:*');
    assert.deepEqual(asArray(await admin(['ACL', 'USERS'])).map(word), ['default', 'runner', 'scoped']);
    const list = asArray(await admin(['ACL', 'LIST'])).map(word);
    assert.match(list[0]!, /^user default on #[0-9a-f]{64} ~\* &\* \+@all$/);
    assert.match(list[1]!, /^user runner on #[0-9a-f]{64} ~\* resetchannels -@all \+@ai -@dangerous \+acl\|whoami$/);
    assert.ok(
      list.every((l) => !l.includes(PASS) && !l.includes('run-pass')),
      'passwords appear only hashed',
    );
    assert.equal(word(await as('runner', 'run-pass')(['ACL', 'WHOAMI'])), 'runner');
    await refused(
      admin,
      ['ACL', 'SETUSER', 'bad', 'on', '+nosuchcommand'],
      'ERR',
      /^ERR Error in ACL SETUSER modifier '\+nosuchcommand': Unknown command or category name in ACL$/,
    );
    await refused(admin, ['ACL', 'SETUSER', 'bad', '~*', '~more'], 'ERR', /Adding a pattern after the \* pattern/);
    assert.deepEqual(asArray(await admin(['ACL', 'USERS'])).map(word), ['default', 'runner', 'scoped'], 'a failed SETUSER creates nothing');
  });

  test('ACL DELUSER closes the connections of the deleted user; other clients go on', async () => {
    const c = await RespSocket.open(server.port);
    const other = await RespSocket.open(server.port);
    try {
      assert.deepEqual(plain(await c.call('AUTH', 'runner', 'run-pass')), 'OK');
      assert.deepEqual(plain(await other.call('AUTH', PASS)), 'OK');
      assert.deepEqual(await admin(['ACL', 'DELUSER', 'runner', 'nobody']), { integer: 1n });
      await c.closed;
      assert.deepEqual(plain(await other.call('PING')), 'PONG');
      await refused(as('runner', 'run-pass'), ['PING'], 'NOAUTH', /Authentication required/);
      await refused(admin, ['ACL', 'DELUSER', 'default'], 'ERR', /The 'default' user cannot be removed/);
    } finally {
      await other.close();
    }
  });

  test('an off user cannot authenticate; SETUSER ... reset takes everything away', async () => {
    await ok(admin, ['ACL', 'SETUSER', 'scoped', 'off']);
    const r = await redisCli(server.port, ['--user', 'scoped', '--pass', 'scoped-pass', '--no-auth-warning', 'PING']);
    assert.match(r.stderr + r.stdout, /WRONGPASS|NOAUTH/);
    await ok(admin, ['ACL', 'SETUSER', 'scoped', 'reset']);
    const fields = asArray(await admin(['ACL', 'GETUSER', 'scoped']));
    assert.equal(word(fields[5]), '-@all');
    assert.equal(asInteger(await admin(['ACL', 'DELUSER', 'scoped'])), 1n);
  });
});
