import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
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

  it('--allow-unsafe-ops takes yes or no (any case); the default leaves it unset, which the server takes as no', () => {
    assert.equal(parseCliArgs(['--allow-unsafe-ops', 'yes']).options.allowUnsafeOps, true);
    assert.equal(parseCliArgs(['--allow-unsafe-ops=NO']).options.allowUnsafeOps, false);
    assert.equal(parseCliArgs([]).options.allowUnsafeOps, undefined);
    assert.throws(() => parseCliArgs(['--allow-unsafe-ops', 'maybe']), /--allow-unsafe-ops expects yes or no, got 'maybe'/);
    assert.throws(() => parseCliArgs(['--allow-unsafe-ops']), /needs a value/);
  });

  it('refuses bad flags with a reason', () => {
    assert.throws(() => parseCliArgs(['--port']), UsageError);
    assert.throws(() => parseCliArgs(['--port', 'x']), /--port expects a whole number/);
    assert.throws(() => parseCliArgs(['--port', '70000']), /at most 65535/);
    assert.throws(() => parseCliArgs(['--loadbackend', 'CAFFE', 'x']), /unsupported backend/);
    assert.throws(() => parseCliArgs(['--nope']), /unknown option '--nope'/);
    assert.throws(() => parseCliArgs(['--metrics-port', '65536']), /--metrics-port must be at most 65535/);
    assert.throws(() => parseCliArgs(['--metrics-max-keys', '-1']), /--metrics-max-keys expects a whole number/);
    assert.throws(() => parseCliArgs(['--latency-tracking', 'maybe']), /--latency-tracking expects yes or no, got 'maybe'/);
  });

  it('parses the metrics and latency tracking flags; the endpoint is off unless a port is given', () => {
    const { options } = parseCliArgs([
      '--metrics-port',
      '9121',
      '--metrics-bind=0.0.0.0',
      '--metrics-max-keys',
      '0',
      '--latency-tracking',
      'NO',
    ]);
    assert.equal(options.metricsPort, 9121);
    assert.equal(options.metricsBind, '0.0.0.0');
    assert.equal(options.metricsMaxKeys, 0);
    assert.equal(options.latencyTracking, false);
    const defaults = parseCliArgs([]).options;
    assert.equal(defaults.metricsPort, undefined);
    assert.equal(defaults.latencyTracking, undefined);
  });

  it('refuses to start when the metrics port is taken, saying why', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const child = spawn(process.execPath, [BIN, '--port', '0', '--metrics-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) =>
      child.on('exit', (c) => {
        resolve(c);
      }),
    );
    taken.close();
    assert.equal(code, 1);
    assert.match(err, /could not start: listen EADDRINUSE/);
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
