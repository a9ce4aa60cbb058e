// The Prometheus endpoint (--metrics-port), scraped over HTTP after real runs of an ONNX model, a
// TorchScript model and a TorchScript script: its counts and histograms must match what was done
// (and what AI.INFO and INFO commandstats say), and the key labels stay bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient } from 'redis';
import { type Cli, cliFor, errorOf, storeTensors } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { redisCli } from '../src/harness.js';
import { CMDSTAT_VALUE, fieldsWithPrefix, parseInfo } from '../src/info-text.js';
import { find, freePort, histogram, httpRequest, scrape, value } from '../src/prometheus.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';
import { TORCH_BACKEND_ARGS, infoFields, torchFixture } from './torch-fixtures.js';

const metricsPort = await freePort();
const server = useServer({ args: [...ONNX_BACKEND_ARGS, ...TORCH_BACKEND_ARGS, '--metrics-port', String(metricsPort)] });
const cli = cliFor(server);

const MNIST = { key: 'onnx:mnist', backend: 'ONNX', device: 'CPU' };
const ADD = { key: 'torch:add', backend: 'TORCH', device: 'CPU' };
const SCRIPT = { key: 'script:raises', device: 'CPU' };

async function ok(c: Cli, args: string[], stdin?: Buffer): Promise<void> {
  assert.deepEqual(await c(args, stdin), { status: 'OK' }, args.join(' '));
}

/** AI.INFO's CALLS and ERRORS for a key. */
async function callsAndErrors(key: string): Promise<[number, number]> {
  const f = await infoFields(cli, key);
  return [Number(f[f.indexOf('CALLS') + 1]), Number(f[f.indexOf('ERRORS') + 1])];
}

describe('Prometheus endpoint', () => {
  test('runs of an ONNX model, a TORCH model and a script are counted, timed and sized per key', async () => {
    const mnist = onnxFixture('mnist_cnn');
    await ok(cli, ['AI.MODELSET', MNIST.key, 'ONNX', 'CPU', 'BLOB'], mnist.model);
    const image = mnist.inputs[0]!;
    await ok(cli, ['AI.TENSORSET', 'mnist:in', image.dtype, ...image.shape.map(String), 'BLOB'], image.bytes);
    for (let i = 0; i < 3; i++) await ok(cli, ['AI.MODELRUN', MNIST.key, 'INPUTS', 'mnist:in', 'OUTPUTS', 'mnist:out']);

    const add = torchFixture('addtwo');
    await ok(cli, ['AI.MODELSET', ADD.key, 'TORCH', 'CPU'], add.artifact);
    const [a, b] = await storeTensors(cli, 'add', add.cases[0]!.inputs);
    for (let i = 0; i < 2; i++) await ok(cli, ['AI.MODELRUN', ADD.key, 'INPUTS', a!, b!, 'OUTPUTS', 'add:out']);
    await ok(cli, ['AI.TENSORSET', 'add:odd', 'FLOAT', '5', 'VALUES', '1', '2', '3', '4', '5']);
    const bad = errorOf(await cli(['AI.MODELRUN', ADD.key, 'INPUTS', a!, 'add:odd', 'OUTPUTS', 'add:out']));
    assert.match(bad ?? '', /^ERR /, 'shapes torch cannot add: the run fails in the backend');

    const raises = torchFixture('raises');
    await ok(cli, ['AI.SCRIPTSET', SCRIPT.key, 'CPU'], raises.artifact);
    const [x] = await storeTensors(cli, 'script', raises.cases[0]!.inputs);
    for (let i = 0; i < 4; i++) await ok(cli, ['AI.SCRIPTRUN', SCRIPT.key, 'identity', 'INPUTS', x!, 'OUTPUTS', 'script:out']);
    assert.match(
      errorOf(await cli(['AI.SCRIPTRUN', SCRIPT.key, 'must_be_negative', 'INPUTS', x!, 'OUTPUTS', 'script:out'])) ?? '',
      /must be negative/,
    );

    const e = await scrape(metricsPort);
    assert.equal(e.types.get('modelkv_model_runs_total'), 'counter');
    assert.equal(e.types.get('modelkv_model_run_duration_seconds'), 'histogram');
    assert.equal(e.types.get('modelkv_model_run_batch_size'), 'histogram');

    assert.equal(value(e, 'modelkv_model_runs_total', MNIST), 3);
    assert.equal(value(e, 'modelkv_model_run_errors_total', MNIST), 0);
    const mnistTime = histogram(e, 'modelkv_model_run_duration_seconds', MNIST);
    assert.equal(mnistTime.count, 3);
    assert.ok(mnistTime.sum > 0);
    const mnistBatch = histogram(e, 'modelkv_model_run_batch_size', MNIST);
    assert.deepEqual([mnistBatch.count, mnistBatch.sum], [3, 3 * image.shape[0]!], 'batch size: the first input has 4 images');
    assert.equal(mnistBatch.buckets.find(([le]) => le === 2)![1], 0);
    assert.equal(mnistBatch.buckets.find(([le]) => le === 4)![1], 3);

    assert.equal(value(e, 'modelkv_model_runs_total', ADD), 3);
    assert.equal(value(e, 'modelkv_model_run_errors_total', ADD), 1);
    assert.equal(histogram(e, 'modelkv_model_run_duration_seconds', ADD).count, 2, 'the failed run is not timed');
    assert.equal(histogram(e, 'modelkv_model_run_batch_size', ADD).sum, 2 * add.cases[0]!.inputs[0]!.shape[0]!);

    assert.equal(value(e, 'modelkv_script_runs_total', SCRIPT), 5);
    assert.equal(value(e, 'modelkv_script_run_errors_total', SCRIPT), 1);
    assert.equal(histogram(e, 'modelkv_script_run_duration_seconds', SCRIPT).count, 4);

    // The same counts as the engine's own statistics.
    assert.deepEqual(await callsAndErrors(MNIST.key), [3, 0]);
    assert.deepEqual(await callsAndErrors(ADD.key), [3, 1]);
    assert.deepEqual(await callsAndErrors(SCRIPT.key), [5, 1]);
  });

  test('per-command counters match INFO commandstats; commands processed match INFO stats', async () => {
    const e = await scrape(metricsPort);
    assert.equal(value(e, 'modelkv_commands_total', { cmd: 'ai.modelrun' }), 6);
    assert.equal(value(e, 'modelkv_commands_failed_calls_total', { cmd: 'ai.modelrun' }), 1);
    assert.equal(value(e, 'modelkv_commands_total', { cmd: 'ai.scriptrun' }), 5);
    assert.equal(value(e, 'modelkv_commands_failed_calls_total', { cmd: 'ai.scriptrun' }), 1);
    assert.ok(value(e, 'modelkv_commands_duration_seconds_total', { cmd: 'ai.modelrun' }) > 0);
    const processed = value(e, 'modelkv_commands_processed_total');
    const r = await redisCli(server.port, ['INFO', 'commandstats']);
    const info = parseInfo(r.stdout);
    const modelrun = CMDSTAT_VALUE.exec(fieldsWithPrefix(info, 'cmdstat_').get('ai.modelrun') ?? '');
    assert.ok(modelrun);
    assert.deepEqual([Number(modelrun[1]), Number(modelrun[5])], [6, 1]);
    const stats = parseInfo((await redisCli(server.port, ['INFO', 'stats'])).stdout);
    assert.equal(Number(stats.fields.get('total_commands_processed')), processed + 1, 'the INFO commandstats in between');
  });

  test('tensors, tensor bytes, connected clients, queues and process metrics', async () => {
    const client = createClient({ socket: { port: server.port } });
    await client.connect();
    try {
      await client.sendCommand(['FLUSHALL']);
      await client.sendCommand(['AI.TENSORSET', 't1', 'FLOAT', '2', '2', 'VALUES', '1', '2', '3', '4']);
      await client.sendCommand(['AI.TENSORSET', 't2', 'UINT8', '10']);
      await client.sendCommand(['AI.TENSORSET', 't3', 'DOUBLE', '3', 'VALUES', '1', '2', '3']);
      await client.sendCommand(['AI.TENSORSET', 't3', 'DOUBLE', '1', 'VALUES', '7']);
      const e = await scrape(metricsPort);
      assert.equal(value(e, 'modelkv_tensors'), 3);
      assert.equal(value(e, 'modelkv_tensor_memory_bytes'), 16 + 10 + 8);
      assert.equal(value(e, 'modelkv_connected_clients'), 1, 'the node-redis client; redis-cli calls have closed');
      assert.equal(value(e, 'modelkv_queue_depth', { queue: 'ONNX:CPU' }), 0);
      assert.equal(value(e, 'modelkv_queue_running', { queue: 'ONNX:CPU' }), 0);
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]) {
        assert.ok(find(e, name).length > 0, `${name} (prom-client's process metrics)`);
      }
    } finally {
      await client.quit();
    }
  });

  test("a model or script that goes takes its series with it (FLUSHALL did); CONFIG RESETSTAT resets only INFO's counters", async () => {
    const e = await scrape(metricsPort);
    for (const name of ['modelkv_model_runs_total', 'modelkv_model_run_errors_total', 'modelkv_model_run_duration_seconds_count']) {
      assert.deepEqual(find(e, name), [], `${name}: the models were flushed`);
    }
    assert.deepEqual(find(e, 'modelkv_script_runs_total'), []);
    await ok(cli, ['CONFIG', 'RESETSTAT']);
    const reset = await scrape(metricsPort);
    assert.deepEqual(find(reset, 'modelkv_commands_total', { cmd: 'ai.modelrun' }), []);
    assert.equal(value(reset, 'modelkv_commands_total', { cmd: 'config|resetstat' }), 1);
    assert.equal(value(reset, 'modelkv_commands_processed_total'), 1);
  });

  test('queue depth: runs waiting behind a slow one are counted while they wait', async () => {
    const slow = onnxFixture('slow_matmul');
    await ok(cli, ['AI.MODELSET', 'slow', 'ONNX', 'CPU', 'BLOB'], slow.model);
    await ok(cli, ['AI.TENSORSET', 'slow:in', 'FLOAT', '512', '1024']);
    const clients = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = createClient({ socket: { port: server.port } });
        await c.connect();
        return c;
      }),
    );
    try {
      let settled = 0;
      const runs = clients.map((c, i) =>
        c.sendCommand(['AI.MODELRUN', 'slow', 'INPUTS', 'slow:in', 'OUTPUTS', `slow:out${i}`]).finally(() => settled++),
      );
      // One run executes, two wait (one slot per queue): seen in a scrape before the runs end.
      let seen: [number, number] | undefined;
      while (settled === 0) {
        const e = await scrape(metricsPort);
        const now: [number, number] = [
          value(e, 'modelkv_queue_running', { queue: 'ONNX:CPU' }),
          value(e, 'modelkv_queue_depth', { queue: 'ONNX:CPU' }),
        ];
        if (now[1] === 2) {
          seen = now;
          break;
        }
      }
      assert.deepEqual(seen, [1, 2], 'a scrape while the first run executed');
      assert.deepEqual(await Promise.all(runs), ['OK', 'OK', 'OK']);
      const e = await scrape(metricsPort);
      assert.deepEqual(
        [value(e, 'modelkv_queue_running', { queue: 'ONNX:CPU' }), value(e, 'modelkv_queue_depth', { queue: 'ONNX:CPU' })],
        [0, 0],
      );
      const slowLabels = { key: 'slow', backend: 'ONNX', device: 'CPU' };
      assert.equal(histogram(e, 'modelkv_model_run_batch_size', slowLabels).sum, 3 * 512);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  test('HTTP: only GET and HEAD of /metrics; the address is in CONFIG GET', async () => {
    const head = await httpRequest(metricsPort, '/metrics', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await httpRequest(metricsPort, '/metrics?x=1')).status, 200);
    assert.equal((await httpRequest(metricsPort, '/')).status, 404);
    assert.equal((await httpRequest(metricsPort, '/metrics/x')).status, 404);
    const post = await httpRequest(metricsPort, '/metrics', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.deepEqual(await cli(['CONFIG', 'GET', 'metrics-*']), [
      Buffer.from('metrics-port'),
      Buffer.from(String(metricsPort)),
      Buffer.from('metrics-bind'),
      Buffer.from('127.0.0.1'),
      Buffer.from('metrics-max-keys'),
      Buffer.from('100'),
    ]);
    assert.match(server.output(), new RegExp(`^Metrics served at http://127\\.0\\.0\\.1:${metricsPort}/metrics$`, 'm'));
  });
});

const cappedPort = await freePort();
const capped = useServer({ args: [...ONNX_BACKEND_ARGS, '--metrics-port', String(cappedPort), '--metrics-max-keys', '2'] });
const cappedCli = cliFor(capped);

describe('Prometheus endpoint with --metrics-max-keys 2', () => {
  test('two models get series of their own, the rest share key="__other__"; a deleted model frees its place', async () => {
    const tiny = onnxFixture('tiny_mul');
    const inputs = await storeTensors(cappedCli, 'tiny', tiny.inputs);
    const run = (key: string) => ok(cappedCli, ['AI.MODELRUN', key, 'INPUTS', ...inputs, 'OUTPUTS', `${key}:out`]);
    for (const key of ['m1', 'm2', 'm3', 'm4']) await ok(cappedCli, ['AI.MODELSET', key, 'ONNX', 'CPU', 'BLOB'], tiny.model);
    for (const key of ['m1', 'm2', 'm3', 'm4', 'm3']) await run(key);
    const labels = (key: string) => ({ key, backend: 'ONNX', device: 'CPU' });
    let e = await scrape(cappedPort);
    assert.deepEqual(
      find(e, 'modelkv_model_runs_total').map((s) => [s.labels.key, s.value]),
      [
        ['m1', 1],
        ['m2', 1],
        ['__other__', 3],
      ],
    );
    assert.equal(histogram(e, 'modelkv_model_run_duration_seconds', labels('__other__')).count, 3);

    await ok(cappedCli, ['AI.MODELDEL', 'm1']);
    await run('m4');
    e = await scrape(cappedPort);
    assert.deepEqual(
      find(e, 'modelkv_model_runs_total').map((s) => [s.labels.key, s.value]),
      [
        ['m2', 1],
        ['__other__', 3],
        ['m4', 1],
      ],
    );
    assert.deepEqual(find(e, 'modelkv_model_run_batch_size_count', labels('m1')), []);
  });
});
