// The log: JSON lines (pino) in --logfile or on stdout, at Redis's levels. It records the start,
// the listeners, the backends loaded, failed authentications (rate-limited, never a password),
// SIGTERM and SHUTDOWN; an uncaught exception is logged and the server exits non-zero.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cliFor } from '../src/cli-calls.js';
import { redisCli, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';

const dir = mkdtempSync(join(tmpdir(), 'modelkv-logs-'));

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly pid: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Every line of a log file, each checked to be one JSON object with the common fields. */
function readLog(file: string): LogLine[] {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.map((l) => {
    const entry = JSON.parse(l) as LogLine;
    assert.ok(['debug', 'verbose', 'notice', 'warning'].includes(entry.level), l);
    assert.ok(!Number.isNaN(Date.parse(entry.time)), l);
    assert.equal(typeof entry.pid, 'number', l);
    assert.equal(typeof entry.msg, 'string', l);
    return entry;
  });
}

describe('--logfile', () => {
  test('start, listener, backends, authentication failures (rate-limited, no password), SIGTERM', async () => {
    const file = join(dir, 'server.log');
    const secret = 'do-not-log-me';
    const server = await startServer({
      args: ['--logfile', file, '--requirepass', secret, '--loadbackend', 'ONNX', 'e2e/third-party-backend', '--maxmemory', '1gb'],
    });
    const c = await RespSocket.open(server.port);
    for (let i = 0; i < 50; i++)
      assert.deepEqual(plain(await c.call('AUTH', `guess-${i}`)), {
        error: 'WRONGPASS invalid username-password pair or user is disabled.',
      });
    assert.deepEqual(plain(await c.call('AUTH', secret)), 'OK');
    assert.deepEqual(plain(await c.call('CONFIG', 'SET', 'requirepass', `${secret}-2`)), 'OK');
    await c.close();
    await server.stop();
    const log = readLog(file);
    const start = log.find((l) => l.msg === 'modelkv-server starting');
    assert.ok(start, 'the start is logged');
    assert.equal(start.pid, server.pid);
    assert.equal(start.requirepass, 'set');
    assert.equal(start.maxmemory, 1024 ** 3);
    assert.ok(log.some((l) => l.msg === 'backend loaded' && l.backend === 'ONNX' && l.version === 'arith-1.0.0'));
    assert.ok(log.some((l) => l.msg === 'listening' && l.transport === 'tcp' && l.port === server.port));
    const failures = log.filter((l) => l.msg === 'authentication failed');
    assert.equal(failures.length, 1, 'a burst of failures is logged once');
    assert.equal(failures[0]!.user, 'default');
    assert.equal(failures[0]!.level, 'warning');
    assert.ok(
      log.some((l) => l.msg === '49 more authentication failures in the last 10 s'),
      'and then counted',
    );
    assert.ok(log.some((l) => l.msg === 'CONFIG SET' && l.parameters === 'requirepass'));
    assert.ok(log.some((l) => l.msg === 'Received SIGTERM scheduling shutdown...'));
    assert.equal(log.at(-1)!.msg, 'modelkv-server is now ready to exit, bye bye...');
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(secret) && !text.includes('guess-'), 'no password, right or wrong, is logged');
    assert.match(server.output(), /^Ready to accept connections tcp 127\.0\.0\.1:\d+$/m, 'the Ready line stays on stdout');
  });

  test('SHUTDOWN is logged as Redis logs it', async () => {
    const file = join(dir, 'shutdown.log');
    const server = await startServer({ args: ['--logfile', file] });
    await redisCli(server.port, ['SHUTDOWN']);
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    const msgs = readLog(file).map((l) => l.msg);
    assert.ok(msgs.includes('User requested shutdown...'), msgs.join('\n'));
    assert.equal(msgs.at(-1), 'modelkv-server is now ready to exit, bye bye...');
  });

  test('an unusable log file stops the start', async () => {
    await assert.rejects(startServer({ args: ['--logfile', join(dir, 'no/such/dir/x.log')] }), /cannot open --logfile/);
  });
});

describe('--loglevel', () => {
  test('warning leaves out notices; CONFIG SET loglevel changes it while running', async () => {
    const file = join(dir, 'levels.log');
    const server = await startServer({ args: ['--logfile', file, '--loglevel', 'warning'] });
    const cli = cliFor(server);
    assert.deepEqual(await cli(['ACL', 'SETUSER', 'quiet', 'on']), { status: 'OK' });
    assert.deepEqual(await cli(['CONFIG', 'SET', 'loglevel', 'notice']), { status: 'OK' });
    assert.deepEqual(await cli(['ACL', 'SETUSER', 'loud', 'on']), { status: 'OK' });
    assert.deepEqual(await cli(['CONFIG', 'GET', 'loglevel']), [Buffer.from('loglevel'), Buffer.from('notice')]);
    await server.stop();
    const log = readLog(file);
    assert.ok(!log.some((l) => l.msg === 'listening' || l.user === 'quiet'), 'no notices at warning');
    assert.ok(log.some((l) => l.msg === 'ACL user set' && l.user === 'loud' && l.level === 'notice'));
  });
});

describe('uncaught exceptions', () => {
  test('the server logs one and exits with code 1, instead of serving on', async () => {
    // In the server's process: with isolation the exception would end the backend's process only.
    const server = await startServer({ args: ['--backend-isolation', 'none', '--loadbackend', 'TF', 'e2e/bad-backends/throws-later.js'] });
    const c = await RespSocket.open(server.port);
    c.send('AI.MODELSET', 'm', 'TF', 'CPU', 'INPUTS', 'a', 'OUTPUTS', 'b', 'graph');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
    await c.closed.catch(() => undefined);
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes('uncaught exception: exiting'));
    assert.ok(line, server.output());
    const entry = JSON.parse(line) as LogLine;
    assert.equal(entry.level, 'warning');
    assert.match(String(entry.error), /^Error: stray failure in a backend callback\n\s+at /);
  });
});
