// MULTI / EXEC / WATCH through the clients people use them with: redis-py's default pipeline
// and transaction(), node-redis's multi() and watch(), ioredis's multi() and watch(), and
// redis-cli reading commands from stdin; including a model run inside EXEC.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { WatchError, createClient } from 'redis';
import { useServer } from '../src/file-server.js';
import { redisCli, redisPy } from '../src/harness.js';
import { ONNX_BACKEND_ARGS, ONNX_MODELS, onnxFile } from './onnx-fixtures.js';

const server = useServer({ args: ONNX_BACKEND_ARGS });
const MODEL = onnxFile('tiny_mul.onnx');
/** a × b of the tiny_mul model on these VALUES. */
const A = ['1', '2', '3', '4', '5', '6'];
const B = ['2', '2', '2', '2', '2', '2'];
const PRODUCT = ['2', '4', '6', '8', '10', '12'];

describe('transactions through clients', () => {
  test('redis-py: pipeline(), WATCH / WatchError, transaction() retries, queued errors', async () => {
    const r = await redisPy(server.port, { file: 'py/transactions.py' }, [`${ONNX_MODELS}/tiny_mul.onnx`]);
    assert.equal(r.code, 0, `py/transactions.py failed:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^ok transactions: \d+ checks/m);
  });

  describe('node-redis', () => {
    let client: ReturnType<typeof createClient>;
    let other: ReturnType<typeof createClient>;
    before(async () => {
      client = createClient({ socket: { port: server.port, host: server.host } });
      other = createClient({ socket: { port: server.port, host: server.host } });
      for (const c of [client, other]) {
        c.on('error', () => undefined);
        await c.connect();
      }
    });
    after(() => {
      client.destroy();
      other.destroy();
    });

    test('multi() with a model run inside, in order', async () => {
      const replies = await client
        .multi()
        .addCommand(['AI.MODELSET', 'nr:m', 'ONNX', 'CPU', 'BLOB', MODEL])
        .addCommand(['AI.TENSORSET', 'nr:a', 'FLOAT', '2', '3', 'VALUES', ...A])
        .addCommand(['AI.TENSORSET', 'nr:b', 'FLOAT', '2', '3', 'VALUES', ...B])
        .addCommand(['AI.MODELRUN', 'nr:m', 'INPUTS', 'nr:a', 'nr:b', 'OUTPUTS', 'nr:c'])
        .addCommand(['AI.TENSORGET', 'nr:c', 'VALUES'])
        .exec();
      assert.deepEqual(replies, ['OK', 'OK', 'OK', 'OK', ['FLOAT', [2, 3], PRODUCT]]);
    });

    test('watch(): a change by another client makes exec() throw WatchError', async () => {
      await client.sendCommand(['AI.TENSORSET', 'nr:w', 'INT8', '1', 'VALUES', '1']);
      await client.watch('nr:w');
      await other.sendCommand(['AI.TENSORSET', 'nr:w', 'INT8', '1', 'VALUES', '2']);
      await assert.rejects(client.multi().addCommand(['AI.TENSORSET', 'nr:never', 'INT8', '1']).exec(), WatchError);
      assert.equal(await client.exists('nr:never'), 0);
      await client.watch('nr:w');
      assert.deepEqual(await client.multi().addCommand(['AI.TENSORSET', 'nr:ok', 'INT8', '1']).exec(), ['OK']);
    });

    test('a queued arity error aborts the transaction', async () => {
      await assert.rejects(
        client.multi().addCommand(['AI.TENSORSET', 'nr:aborted', 'INT8', '1']).addCommand(['AI.TENSORGET']).exec(),
        /EXECABORT|wrong number of arguments/,
      );
      assert.equal(await client.exists('nr:aborted'), 0);
    });
  });

  describe('ioredis', () => {
    let client: Redis;
    let other: Redis;
    before(() => {
      client = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
      other = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
    });
    after(() => {
      client.disconnect();
      other.disconnect();
    });

    test('multi() with a model run inside, in order', async () => {
      const replies = await client
        .multi()
        .call('AI.MODELSET', 'io:m', 'ONNX', 'CPU', 'BLOB', MODEL)
        .call('AI.TENSORSET', 'io:a', 'FLOAT', '2', '3', 'VALUES', ...A)
        .call('AI.TENSORSET', 'io:b', 'FLOAT', '2', '3', 'VALUES', ...B)
        .call('AI.MODELRUN', 'io:m', 'INPUTS', 'io:a', 'io:b', 'OUTPUTS', 'io:c')
        .call('AI.TENSORGET', 'io:c', 'VALUES')
        .exec();
      assert.deepEqual(replies, [
        [null, 'OK'],
        [null, 'OK'],
        [null, 'OK'],
        [null, 'OK'],
        [null, ['FLOAT', [2, 3], PRODUCT]],
      ]);
    });

    test('watch(): exec() answers null when a watched key changed, including by a run', async () => {
      await client.call('AI.TENSORSET', 'io:a', 'FLOAT', '2', '3', 'VALUES', ...A);
      await client.watch('io:c');
      await other.call('AI.MODELRUN', 'io:m', 'INPUTS', 'io:a', 'io:b', 'OUTPUTS', 'io:c');
      assert.equal(await client.multi().call('AI.TENSORSET', 'io:never', 'INT8', '1').exec(), null);
      assert.equal(await client.exists('io:never'), 0);
      await client.watch('io:c');
      assert.deepEqual(await client.multi().call('AI.TENSORSET', 'io:ok', 'INT8', '1').exec(), [[null, 'OK']]);
    });

    test('a queued unknown command aborts the transaction with EXECABORT', async () => {
      await assert.rejects(
        client.multi().call('AI.TENSORSET', 'io:aborted', 'INT8', '1').call('AI.NOSUCH', 'x').exec(),
        /EXECABORT Transaction discarded because of previous errors/,
      );
      assert.equal(await client.exists('io:aborted'), 0);
    });
  });

  describe('redis-cli', () => {
    /** Runs redis-cli with commands on stdin, one line each, written as the replies come. */
    function session(lines: (string | (() => Promise<void>))[]): Promise<string[]> {
      const child = spawn('redis-cli', ['-h', server.host, '-p', String(server.port), '--no-raw'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const out: string[] = [];
      const rl = createInterface({ input: child.stdout });
      rl.on('line', (l) => out.push(l));
      return (async () => {
        for (const line of lines) {
          if (typeof line === 'function') {
            // Let the replies so far arrive before acting from outside.
            await new Promise((r) => setTimeout(r, 200));
            await line();
          } else {
            child.stdin.write(`${line}\n`);
          }
        }
        child.stdin.end();
        await new Promise((r) => child.on('close', r));
        return out;
      })();
    }

    test('MULTI ... EXEC with a run inside, DISCARD, EXECABORT', async () => {
      const set = await redisCli(server.port, ['-x', 'AI.MODELSET', 'cli:m', 'ONNX', 'CPU', 'BLOB'], MODEL);
      assert.equal(set.stdout.trim(), 'OK');
      const out = await session([
        'MULTI',
        `AI.TENSORSET cli:a FLOAT 2 3 VALUES ${A.join(' ')}`,
        `AI.TENSORSET cli:b FLOAT 2 3 VALUES ${B.join(' ')}`,
        'AI.MODELRUN cli:m INPUTS cli:a cli:b OUTPUTS cli:c',
        'AI.TENSORGET cli:c META',
        'EXEC',
        'MULTI',
        'AI.TENSORSET cli:discarded INT8 1',
        'DISCARD',
        'EXISTS cli:discarded',
        'MULTI',
        'AI.TENSORSET cli:aborted INT8 1',
        'AI.TENSORGET',
        'EXEC',
        'EXISTS cli:aborted',
      ]);
      assert.deepEqual(out, [
        'OK',
        'QUEUED',
        'QUEUED',
        'QUEUED',
        'QUEUED',
        '1) OK',
        '2) OK',
        '3) OK',
        '4) 1) FLOAT',
        '   2) 1) (integer) 2',
        '      2) (integer) 3',
        'OK',
        'QUEUED',
        'OK',
        '(integer) 0',
        'OK',
        'QUEUED',
        "(error) ERR wrong number of arguments for 'AI.TENSORGET' command",
        '(error) EXECABORT Transaction discarded because of previous errors.',
        '(integer) 0',
      ]);
    });

    test('WATCH: another client writes between WATCH and EXEC: (nil)', async () => {
      const out = await session([
        'AI.TENSORSET cli:w INT8 1 VALUES 1',
        'WATCH cli:w',
        async () => {
          const r = await redisCli(server.port, ['AI.TENSORSET', 'cli:w', 'INT8', '1', 'VALUES', '2']);
          assert.equal(r.stdout.trim(), 'OK');
        },
        'MULTI',
        'AI.TENSORSET cli:never INT8 1',
        'EXEC',
        'EXISTS cli:never',
        'WATCH cli:w',
        'MULTI',
        'AI.TENSORSET cli:ok INT8 1',
        'EXEC',
      ]);
      assert.deepEqual(out, ['OK', 'OK', 'OK', 'QUEUED', '(nil)', '(integer) 0', 'OK', 'OK', 'QUEUED', '1) OK']);
    });
  });
});
