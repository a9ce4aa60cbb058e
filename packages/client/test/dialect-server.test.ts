import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KeyNotFoundError, ModelkvError, type ModelkvClient, type RedisAIVersion, createModelkvClient } from '../src/index.js';
import { type RunningServer, startServer } from './server.js';
import { writeToyBackend } from './toy-backend.js';

const SCRIPT = 'def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n';

let dir: string;
let backend: string;
const servers = new Map<RedisAIVersion, RunningServer>();
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelkv-client-dialect-'));
  backend = writeToyBackend(dir);
  for (const mode of ['0.9', '1.2'] as const) {
    servers.set(mode, await startServer(['--redisai-compat', mode, '--loadbackend', 'TORCH', backend]));
  }
});
after(async () => {
  for (const s of servers.values()) await s.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The client's 1.2 forms against both modes (a request with META means 1.2 in either), and its
 * v0.9 forms against 0.9 mode, over both protocols. v0.9's forms against a 1.2 server do not
 * work: there `AI.TENSORGET k BLOB` answers the blob alone, without its dtype and shape.
 */
const PAIRS = [
  ['0.9', '0.9'],
  ['0.9', '1.2'],
  ['1.2', '1.2'],
] as const;
for (const [mode, redisai] of PAIRS) {
  for (const RESP of [2, 3] as const) {
    describe(`client forms ${redisai} against --redisai-compat ${mode} over RESP${RESP}`, () => {
      let client: ModelkvClient;
      const k = (name: string): string => `${name}:${redisai}:${RESP}`;
      before(async () => {
        const { host, port } = servers.get(mode)!;
        client = await createModelkvClient({ socket: { host, port }, RESP, redisai }).connect();
      });
      after(async () => {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- after() runs even when before() failed to assign client
        await client?.close();
      });

      test('tensors read back whole in every format', async () => {
        await client.tensorSet(k('t'), { shape: [2], data: new Int32Array([3, -4]) });
        assert.deepEqual(await client.tensorGet(k('t')), { dtype: 'INT32', shape: [2], data: new Int32Array([3, -4]) });
        assert.deepEqual(await client.tensorGet(k('t'), 'VALUES'), { dtype: 'INT32', shape: [2], data: [3, -4] });
        assert.deepEqual(await client.tensorGet(k('t'), 'META'), { dtype: 'INT32', shape: [2] });
      });

      test('modelStore with tag, batching and chunks; modelGet and modelMeta; modelExecute', async () => {
        const blob = Buffer.from('identity');
        await client.modelStore(k('m'), {
          backend: 'TORCH',
          device: 'CPU',
          tag: 'v1',
          batching: { batchSize: 4, minBatchSize: 2, minBatchTimeout: 5 },
          blob,
          chunkSize: 3,
        });
        const settings = {
          backend: 'TORCH',
          device: 'CPU',
          tag: 'v1',
          batching: { batchSize: 4, minBatchSize: 2, minBatchTimeout: 5 },
          inputs: [],
          outputs: [],
        };
        assert.deepEqual(await client.modelMeta(k('m')), settings);
        const got = await client.modelGet(k('m'));
        // v0.9's request (in 0.9 mode) gets v0.9's reply; a 1.2 request gets the settings too.
        if (redisai === '0.9') assert.deepEqual(got, { backend: 'TORCH', device: 'CPU', blob });
        else assert.deepEqual(got, { ...settings, blob });
        await client.tensorSet(k('in'), { data: new Float32Array([1.5]) });
        assert.equal(await client.modelExecute(k('m'), { inputs: [k('in')], outputs: [k('out')], timeout: 1000 }), 'OK');
        assert.deepEqual((await client.tensorGet(k('out'))).data, new Float32Array([1.5]));
        const info = await client.info(k('m'));
        assert.equal(info.calls, 1);
        assert.equal(info.tag, mode === '1.2' ? 'v1' : undefined);
        assert.ok((await client.modelScan()).some((e) => e.key === k('m') && e.tag === 'v1'));
      });

      test('a run that waits in its queue past its TIMEOUT is TIMEDOUT', async () => {
        await client.modelStore(k('slow'), { backend: 'TORCH', device: 'CPU', blob: Buffer.from('sleep 300') });
        await client.tensorSet(k('x'), { data: new Float32Array([1]) });
        // A connection's commands are served in order: the second run comes from another one.
        const { host, port } = servers.get(mode)!;
        const other = await createModelkvClient({ socket: { host, port }, RESP, redisai }).connect();
        try {
          const first = client.modelExecute(k('slow'), { inputs: [k('x')], outputs: [k('y')] });
          await new Promise((resolve) => setTimeout(resolve, 50));
          const second = other.modelExecute(k('slow'), { inputs: [k('x')], outputs: [k('z')], timeout: 1 });
          assert.deepEqual(await Promise.all([first, second]), ['OK', 'TIMEDOUT']);
        } finally {
          await other.close();
        }
      });

      test('scriptStore and scriptExecute: tensors, keys and args reach the entry point', async () => {
        await client.scriptStore(k('s'), { device: 'CPU', tag: 'st', entryPoints: ['bar'], source: SCRIPT });
        assert.deepEqual(await client.scriptMeta(k('s')), { device: 'CPU', tag: 'st', entryPoints: ['bar'] });
        const s = await client.scriptGet(k('s'));
        assert.equal(s.source, SCRIPT);
        await client.tensorSet(k('a'), { data: new Float32Array([7]) });
        const status = await client.scriptExecute(k('s'), 'bar', {
          keys: [k('a')],
          inputs: [k('a')],
          args: ['x', 5],
          outputs: [k('b'), k('words')],
        });
        assert.equal(status, 'OK');
        assert.deepEqual((await client.tensorGet(k('b'))).data, new Float32Array([7]));
        assert.deepEqual((await client.tensorGet(k('words'), 'VALUES')).data, [k('a'), 'x', '5']);
        assert.ok((await client.scriptScan()).some((e) => e.key === k('s') && e.tag === 'st'));
      });

      test('a DAG: typed step replies, PERSIST only, errors and NA in place', async () => {
        await client.modelStore(k('dm'), { backend: 'TORCH', device: 'CPU', blob: Buffer.from('identity') });
        await client.tensorSet(k('da'), { data: new Float32Array([2, 3]) });
        const reply = await client
          .dag({ load: [k('da')], persist: [k('dc')] })
          .tensorSet('tmp', { dtype: 'INT8', shape: [1], data: [9] })
          .modelExecute(k('dm'), { inputs: [k('da')], outputs: [k('dc')] })
          .tensorGet(k('dc'), 'VALUES')
          .tensorGet('tmp')
          .execute();
        assert.notEqual(reply, 'TIMEDOUT');
        if (reply === 'TIMEDOUT') return;
        const [set, run, values, blob] = reply;
        assert.equal(set, 'OK');
        assert.equal(run, 'OK');
        assert.deepEqual(values, { dtype: 'FLOAT', shape: [2], data: [2, 3] });
        assert.deepEqual(blob, { dtype: 'INT8', shape: [1], data: new Int8Array([9]) });
        assert.deepEqual((await client.tensorGet(k('dc'), 'VALUES')).data, [2, 3]);
        assert.equal(await client.redis.exists('tmp'), 0, 'a DAG tensor never reaches the keyspace');

        await client.modelStore(k('fail'), { backend: 'TORCH', device: 'CPU', blob: Buffer.from('fail') });
        const failed = await client
          .dag({ load: [k('da')], readonly: true })
          .modelExecute(k('fail'), { inputs: [k('da')], outputs: ['out'] })
          .tensorGet('out', 'META')
          .execute();
        assert.ok(Array.isArray(failed));
        assert.ok(failed[0] instanceof ModelkvError);
        assert.match(failed[0].serverMessage, /toy failure/);
        assert.equal(failed[1], 'NA');
        // A step reading a tensor the DAG never has fails the whole request.
        await assert.rejects(
          client
            .dag({ load: [k('da')] })
            .tensorGet('nothing')
            .execute(),
          /INPUT key cannot be found in DAG/,
        );
      });

      test('AI.CONFIG GET and set', async () => {
        await client.configSet('MODEL_CHUNK_SIZE', 4096);
        assert.equal(await client.configGet('MODEL_CHUNK_SIZE'), 4096);
        await client.configSet('BACKENDSPATH', dir);
        assert.equal(await client.configGet('BACKENDSPATH'), dir);
        assert.equal(await client.configGet('NO_SUCH_SETTING'), null);
      });

      test('missing keys are typed errors in either mode', async () => {
        await assert.rejects(client.modelMeta(k('none')), KeyNotFoundError);
        await assert.rejects(client.modelExecute(k('none'), { inputs: ['a'], outputs: ['b'] }), KeyNotFoundError);
        await assert.rejects(client.scriptExecute(k('none'), 'bar', { inputs: ['a'] }), KeyNotFoundError);
      });
    });
  }
}
