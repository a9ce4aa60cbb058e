import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@redis/client';
import { AI, ModelkvClient, UnknownCommandError, type AIRedisClient } from '../src/index.js';
import { type RunningRedis, startRedis } from './server.js';

// A Redis server without the AI commands: the client must say so with a typed error, over both
// protocols, and the module must plug into a node-redis client created by hand.
describe('against a plain redis-server', () => {
  /** Undefined until before() has started it, and still so in after() if that failed. */
  let redis: RunningRedis | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const RESP of [2, 3] as const) {
    test(`RESP${RESP}: AI commands give UnknownCommandError and the connection keeps serving`, async () => {
      const raw = createClient({ socket: { path: redis!.path, tls: false }, RESP, modules: { ai: AI } }) as AIRedisClient;
      const client = await new ModelkvClient(raw).connect();
      try {
        await assert.rejects(client.tensorSet('t', { data: new Float32Array([1]) }), (err: unknown) => {
          assert.ok(err instanceof UnknownCommandError);
          assert.equal(err.code, 'ERR');
          assert.match(err.serverMessage, /unknown command 'AI\.TENSORSET'/i);
          return true;
        });
        await assert.rejects(client.loadBackend('TORCH', '/x'), UnknownCommandError);
        assert.equal(await client.redis.ping(), 'PONG');
      } finally {
        await client.close();
      }
    });
  }
});
