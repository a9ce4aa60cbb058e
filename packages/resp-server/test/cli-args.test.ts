import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { UsageError, parseCliArgs } from '../src/cli-args.js';
import { RespClient, Status } from './resp-client.js';

const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));

describe('modelkv-server command line', () => {
  it('parses redis-server style flags', () => {
    const { action, options } = parseCliArgs([
      '--port',
      '0',
      '--bind=0.0.0.0',
      '--loadbackend',
      'onnx',
      './a',
      '--loadbackend',
      'TORCH',
      '/b',
      '--threads-per-queue',
      '2',
      '--intra-op-threads',
      '4',
      '--inter-op-threads',
      '1',
      '--proto-max-bulk-len',
      '64mb',
    ]);
    assert.equal(action, 'run');
    assert.equal(options.port, 0);
    assert.equal(options.bind, '0.0.0.0');
    assert.deepEqual(options.backends, [
      { name: 'ONNX', path: './a' },
      { name: 'TORCH', path: '/b' },
    ]);
    assert.equal(options.threadsPerQueue, 2);
    assert.equal(options.intraOpThreads, 4);
    assert.equal(options.interOpThreads, 1);
    assert.equal(options.protoMaxBulkLen, 64 * 1024 * 1024);
    assert.equal(parseCliArgs(['--help']).action, 'help');
    assert.equal(parseCliArgs(['-v']).action, 'version');
  });

  it('refuses bad flags with a reason', () => {
    assert.throws(() => parseCliArgs(['--port']), UsageError);
    assert.throws(() => parseCliArgs(['--port', 'x']), /--port expects a whole number/);
    assert.throws(() => parseCliArgs(['--port', '70000']), /at most 65535/);
    assert.throws(() => parseCliArgs(['--loadbackend', 'CAFFE', 'x']), /unsupported backend/);
    assert.throws(() => parseCliArgs(['--nope']), /unknown option '--nope'/);
  });

  it('takes the persistence parameters by their redis.conf names', () => {
    const { options } = parseCliArgs([
      '--appendonly',
      'yes',
      '--appendfsync=always',
      '--save',
      '900',
      '1',
      '300',
      '10',
      '--dbfilename',
      'x.rdb',
      '--save',
      '',
      '--enable-debug-command',
      'local',
    ]);
    assert.deepEqual(options.config, [
      ['appendonly', 'yes'],
      ['appendfsync', 'always'],
      ['save', '900 1 300 10'],
      ['dbfilename', 'x.rdb'],
      ['save', ''],
      ['enable-debug-command', 'local'],
    ]);
    assert.throws(() => parseCliArgs(['--appendfsync', 'sometimes']), /--appendfsync "sometimes": argument\(s\) must be one of/);
    assert.throws(() => parseCliArgs(['--save', '900']), /Invalid save parameters/);
    assert.throws(() => parseCliArgs(['--dir', '/no/such/dir']), /--dir "\/no\/such\/dir": No such file or directory/);
    assert.throws(() => parseCliArgs(['--dbfilename', 'a/b']), /can't be a path/);
    assert.throws(() => parseCliArgs(['--appendonly']), /--appendonly needs a value/);
  });

  it('starts, prints the Ready line, and exits 0 on SHUTDOWN', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Ready to accept connections tcp 127\.0\.0\.1:(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => {
        reject(new Error(`exited before ready: ${out}`));
      });
    });
    const c = await RespClient.connect(port);
    assert.deepEqual(await c.call('PING'), new Status('PONG'));
    c.send('SHUTDOWN', 'NOSAVE');
    await c.closedByServer();
    assert.equal(await exited, 0);
  });

  it('exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('Ready')) resolve();
      }),
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('aborts start with a clear message when a backend cannot be loaded', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0', '--loadbackend', 'ONNX', '/nonexistent/backend'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) =>
      child.on('exit', (c) => {
        resolve(c);
      }),
    );
    assert.equal(code, 1);
    assert.match(err, /could not start: backend path '\/nonexistent\/backend' does not exist/);
  });
});
