// Model runs execute off the server's event loop: while one client waits on a slow AI.MODELRUN,
// another client's commands keep being answered. Only the order of replies is asserted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESP_TYPES, createClient } from 'redis';
import { type ServerHandle, startServer } from '../src/harness.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';

let server: ServerHandle;
const clients: ReturnType<typeof createClient>[] = [];

async function connect(): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ socket: { port: server.port, host: server.host } });
  client.on('error', () => {
    // Connection errors surface through the failing command.
  });
  await client.connect();
  clients.push(client);
  return client;
}

before(async () => {
  // No time limit: the slow run may take longer than the default 5 s on a busy machine.
  server = await startServer({ args: [...ONNX_BACKEND_ARGS, '--model-execution-timeout', '0'] });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

// Sequential round trips the other client must complete while the slow run is in flight. A
// server that ran the model on its event loop would answer none of them before the run ends.
const ROUND_TRIPS = 10;

describe('a slow AI.MODELRUN does not hold up other clients', () => {
  test('PING and AI.TENSORGET from another client answer while the run is in flight', async () => {
    const slowClient = await connect();
    const other = await connect();
    const slow = onnxFixture('slow_matmul');
    await slowClient.sendCommand(['AI.MODELSET', 'slow', 'ONNX', 'CPU', slow.model]);
    // 2048 rows through 24 chained 1024x1024 products: about 100 GFLOP.
    await slowClient.sendCommand(['AI.TENSORSET', 'slow:in', 'FLOAT', '2048', '1024']);
    await other.sendCommand(['AI.TENSORSET', 'probe', 'INT16', '3', 'VALUES', '1', '-2', '3']);

    const events: string[] = [];
    let runDone = false;
    const run = slowClient.sendCommand(['AI.MODELRUN', 'slow', 'INPUTS', 'slow:in', 'OUTPUTS', 'slow:out']).then((reply) => {
      runDone = true;
      events.push('modelrun');
      return reply;
    });
    let answered = 0;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the MODELRUN callback above sets runDone; narrowing does not see that
    while (!runDone && answered < ROUND_TRIPS) {
      assert.equal(await other.sendCommand(['PING']), 'PONG');
      const reply = await other.sendCommand<unknown[]>(['AI.TENSORGET', 'probe', 'VALUES']);
      assert.deepEqual(reply[2], [1, -2, 3]);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- runDone changes in the callback above
      if (!runDone) {
        answered++;
        events.push('ping+tensorget');
      }
    }
    assert.equal(await run, 'OK');
    assert.equal(
      answered,
      ROUND_TRIPS,
      `only ${answered} PING + AI.TENSORGET round trips completed before the slow AI.MODELRUN replied: ${events.join(', ')}`,
    );

    const meta = await other
      .withTypeMapping({ [RESP_TYPES.BLOB_STRING]: String })
      .sendCommand<unknown[]>(['AI.TENSORGET', 'slow:out', 'META']);
    assert.deepEqual(meta, ['FLOAT', [2048, 1024]]);
  });

  test('runs queued by several clients all complete, each with its own result', async () => {
    const tiny = onnxFixture('tiny_mul');
    const many = await Promise.all(Array.from({ length: 6 }, () => connect()));
    await many[0]!.sendCommand(['AI.MODELSET', 'tiny', 'ONNX', 'CPU', tiny.model]);
    await Promise.all(
      many.map(async (c, i) => {
        await c.sendCommand(['AI.TENSORSET', `a${i}`, 'FLOAT', '1', '2', 'VALUES', String(i), '2']);
        await c.sendCommand(['AI.TENSORSET', `b${i}`, 'FLOAT', '1', '2', 'VALUES', '3', String(i)]);
      }),
    );
    await Promise.all(many.map((c, i) => c.sendCommand(['AI.MODELRUN', 'tiny', 'INPUTS', `a${i}`, `b${i}`, 'OUTPUTS', `c${i}`])));
    for (const [i, c] of many.entries()) {
      const reply = await c.sendCommand<unknown[]>(['AI.TENSORGET', `c${i}`, 'VALUES']);
      assert.deepEqual((reply[2] as unknown[]).map(Number), [3 * i, 2 * i]);
    }
  });
});
