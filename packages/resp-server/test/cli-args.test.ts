import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { UsageError, parseCliArgs } from '../src/cli-args.js';
import { ServerConfig, defaultSettings } from '../src/config.js';
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

  it('--intra-op-spinning takes yes or no (any case); CONFIG GET shows it, yes by default', () => {
    assert.equal(parseCliArgs(['--intra-op-spinning', 'no']).options.intraOpSpinning, false);
    assert.equal(parseCliArgs(['--intra-op-spinning=Yes']).options.intraOpSpinning, true);
    assert.equal(parseCliArgs([]).options.intraOpSpinning, undefined);
    assert.throws(() => parseCliArgs(['--intra-op-spinning', 'sometimes']), /--intra-op-spinning expects yes or no, got 'sometimes'/);
    const settings = defaultSettings();
    assert.deepEqual(new ServerConfig(settings).get(['intra-op-spinning']), [['intra-op-spinning', 'yes']]);
    settings.intraOpSpinning = false;
    assert.deepEqual(new ServerConfig(settings).get(['intra-op-*']), [
      ['intra-op-threads', '0'],
      ['intra-op-spinning', 'no'],
    ]);
  });

  it('parses the access, TLS, limit and log flags under their Redis names', () => {
    const { options } = parseCliArgs([
      '--bind',
      '127.0.0.1',
      '-::1',
      '--requirepass',
      'pw',
      '--protected-mode',
      'no',
      '--aclfile=/etc/users.acl',
      '--enable-loadbackend-command',
      'yes',
      '--backends-path',
      '/opt/backends',
      '--loadbackend-allow-files',
      'yes',
      '--tls-port',
      '6390',
      '--tls-cert-file',
      'c.pem',
      '--tls-key-file',
      'k.pem',
      '--tls-ca-cert-file',
      'ca.pem',
      '--tls-auth-clients',
      'optional',
      '--maxmemory',
      '2gb',
      '--maxmemory-policy',
      'noeviction',
      '--timeout',
      '300',
      '--client-query-buffer-limit',
      '64mb',
      '--client-output-buffer-limit',
      'normal',
      '1mb',
      '512kb',
      '10',
      '--loglevel',
      'warning',
      '--logfile',
      '/var/log/modelkv.log',
    ]);
    assert.equal(options.bind, '127.0.0.1 -::1');
    assert.equal(options.requirepass, 'pw');
    assert.equal(options.protectedMode, false);
    assert.equal(options.aclFile, '/etc/users.acl');
    assert.equal(options.enableLoadbackendCommand, 'yes');
    assert.equal(options.backendsPath, '/opt/backends');
    assert.equal(options.loadbackendAllowFiles, true);
    assert.equal(options.tlsPort, 6390);
    assert.deepEqual([options.tlsCertFile, options.tlsKeyFile, options.tlsCaCertFile], ['c.pem', 'k.pem', 'ca.pem']);
    assert.equal(options.tlsAuthClients, 'optional');
    assert.equal(options.maxmemory, 2 * 1024 ** 3);
    assert.equal(options.timeout, 300);
    assert.equal(options.clientQueryBufferLimit, 64 * 1024 ** 2);
    assert.deepEqual(options.clientOutputBufferLimit, { hard: 1024 ** 2, soft: 512 * 1024, softSeconds: 10 });
    assert.equal(options.logLevel, 'warning');
    assert.equal(options.logFile, '/var/log/modelkv.log');
    assert.deepEqual(parseCliArgs(['--client-output-buffer-limit', 'normal 0 0 0']).options.clientOutputBufferLimit, {
      hard: 0,
      soft: 0,
      softSeconds: 0,
    });
  });

  it('refuses bad values of those flags with the reason Redis gives', () => {
    assert.throws(() => parseCliArgs(['--protected-mode', 'maybe']), /--protected-mode 'maybe': argument must be 'yes' or 'no'/);
    assert.throws(() => parseCliArgs(['--enable-loadbackend-command', 'all']), /must be one of the following: no, yes, local/);
    assert.throws(() => parseCliArgs(['--tls-auth-clients', 'sometimes']), /yes, no, optional/);
    assert.throws(() => parseCliArgs(['--maxmemory', 'lots']), /argument must be a memory value/);
    assert.throws(() => parseCliArgs(['--maxmemory-policy', 'allkeys-lru']), /the only policy is noeviction/);
    assert.throws(() => parseCliArgs(['--client-query-buffer-limit', '1kb']), /between 1048576 and/);
    assert.throws(() => parseCliArgs(['--client-output-buffer-limit', 'normal', '1mb']), /Wrong number of arguments in buffer limit/);
    assert.throws(() => parseCliArgs(['--client-output-buffer-limit', 'vip 1 1 1']), /Invalid client class/);
    assert.throws(() => parseCliArgs(['--loglevel', 'loud']), /debug, verbose, notice, warning/);
    assert.throws(() => parseCliArgs(['--tls-port', '70000']), /between 0 and 65535/);
    assert.throws(() => parseCliArgs(['--requirepass']), /--requirepass needs a value/);
  });

  it('--non-tensor-outputs skip|tensor (any case), also CONFIG GET/SET non-tensor-outputs; the default is skip', () => {
    assert.equal(parseCliArgs(['--non-tensor-outputs', 'tensor']).options.nonTensorOutputs, 'tensor');
    assert.equal(parseCliArgs(['--non-tensor-outputs=SKIP']).options.nonTensorOutputs, 'skip');
    assert.equal(parseCliArgs([]).options.nonTensorOutputs, undefined);
    assert.throws(() => parseCliArgs(['--non-tensor-outputs', 'maps']), /--non-tensor-outputs expects skip or tensor, got 'maps'/);
    assert.throws(() => parseCliArgs(['--non-tensor-outputs']), /needs a value/);
    const config = new ServerConfig(defaultSettings());
    assert.deepEqual(config.get(['non-tensor-outputs']), [['non-tensor-outputs', 'skip']]);
    config.set([['Non-Tensor-Outputs', 'Tensor']]);
    assert.deepEqual(config.get(['non-tensor-*']), [['non-tensor-outputs', 'tensor']]);
    assert.throws(
      () => {
        config.set([['non-tensor-outputs', 'all']]);
      },
      {
        message: "CONFIG SET failed (possibly related to argument 'non-tensor-outputs') - argument must be one of skip, tensor",
      },
    );
    assert.equal(config.settings.nonTensorOutputs, 'tensor');
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
