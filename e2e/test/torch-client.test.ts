// The TORCH backend through the typed client (@modelkv/client), RESP2 and RESP3: a model from a
// file path, outputs as typed arrays against Python torch's, scripts, AI.INFO, typed errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModelkvError, WrongTypeError, createModelkvClient, type ModelkvClient } from '@modelkv/client';
import { bytesOf } from '../src/client-tensors.js';
import { useServer } from '../src/file-server.js';
import { type FixtureTensor, assertBytesClose } from '../src/fixtures.js';
import { TORCH_BACKEND_ARGS, torchFixture } from './torch-fixtures.js';

const server = useServer({ args: TORCH_BACKEND_ARGS });

function float32(t: FixtureTensor): Float32Array {
  return new Float32Array(new Uint8Array(t.bytes).buffer);
}

for (const RESP of [2, 3] as const) {
  describe(`typed client over RESP${RESP}: TORCH`, () => {
    let client: ModelkvClient;
    const k = (name: string) => `c${RESP}:${name}`;

    before(async () => {
      client = await createModelkvClient({ socket: { port: server.port, host: server.host }, RESP }).connect();
    });

    after(async () => {
      await client.close();
    });

    test('modelSet from a file path; modelRun with tuple outputs; tensorGet typed arrays match Python torch', async () => {
      const fx = torchFixture('tuple3');
      await client.modelSet(k('tuple3'), { backend: 'TORCH', device: 'CPU', blob: fx.path });
      const got = await client.modelGet(k('tuple3'));
      assert.deepEqual([got.backend, got.device], ['TORCH', 'CPU']);
      assert.ok(Buffer.from(got.blob).equals(fx.artifact));
      const c = fx.cases[0]!;
      const inputs = c.inputs.map((_, i) => k(`tuple3:in${i}`));
      for (const [i, t] of c.inputs.entries()) await client.tensorSet(inputs[i]!, { dtype: 'FLOAT', shape: t.shape, data: float32(t) });
      const outputs = c.outputs.map((_, i) => k(`tuple3:out${i}`));
      await client.modelRun(k('tuple3'), { inputs, outputs });
      for (const [i, want] of c.outputs.entries()) {
        const t = await client.tensorGet(outputs[i]!);
        assert.equal(t.dtype, 'FLOAT');
        assert.deepEqual(t.shape, want.shape);
        assert.ok(t.data instanceof Float32Array);
        assertBytesClose('FLOAT', bytesOf(t.data), want.bytes, `tuple3 output ${i}`);
      }
      const info = await client.info(k('tuple3'));
      assert.deepEqual(
        [info.type, info.backend, info.device, info.samples, info.calls, info.errors],
        ['MODEL', 'TORCH', 'CPU', c.inputs[0]!.shape[0], 1, 0],
      );
    });

    test('scriptSet / scriptGet / scriptRun / scriptDel; info reports SAMPLES -1', async () => {
      const fx = torchFixture('functions');
      const source = fx.artifact.toString('utf8');
      await client.scriptSet(k('fns'), { device: 'CPU', source });
      assert.deepEqual(await client.scriptGet(k('fns')), { device: 'CPU', source });
      const c = fx.cases.find((x) => x.function === 'sum_and_diff')!;
      const inputs = c.inputs.map((_, i) => k(`fns:in${i}`));
      for (const [i, t] of c.inputs.entries()) await client.tensorSet(inputs[i]!, { dtype: 'FLOAT', shape: t.shape, data: float32(t) });
      await client.scriptRun(k('fns'), 'sum_and_diff', { inputs, outputs: [k('fns:sum'), k('fns:diff')] });
      for (const [i, key] of [k('fns:sum'), k('fns:diff')].entries()) {
        const t = await client.tensorGet(key);
        assertBytesClose('FLOAT', bytesOf(t.data), c.outputs[i]!.bytes, key);
      }
      const info = await client.info(k('fns'));
      assert.deepEqual([info.type, info.backend, info.samples, info.calls], ['SCRIPT', 'TORCH', -1, 1]);
      await client.scriptDel(k('fns'));
      assert.equal(await client.redis.exists(k('fns')), 0);
    });

    test('errors are typed: compile error, unknown function, wrong kind of key', async () => {
      const bad = torchFixture('compile_error');
      const error = bad.extra.error as { line: number; column: number };
      await assert.rejects(client.scriptSet(k('bad'), { device: 'CPU', source: bad.artifact.toString('utf8') }), (err: unknown) => {
        assert.ok(err instanceof ModelkvError);
        assert.match(err.message, new RegExp(`line ${error.line}, column ${error.column}`));
        return true;
      });
      await client.scriptSet(k('raise'), { device: 'CPU', source: torchFixture('raises').artifact.toString('utf8') });
      await client.tensorSet(k('x'), { dtype: 'FLOAT', shape: [1], data: new Float32Array([1]) });
      await assert.rejects(client.scriptRun(k('raise'), 'nope', { inputs: [k('x')], outputs: [k('y')] }), /function 'nope' is not defined/);
      await assert.rejects(
        client.scriptRun(k('raise'), 'must_be_negative', { inputs: [k('x')], outputs: [k('y')] }),
        /input must be negative/,
      );
      await assert.rejects(client.scriptGet(k('x')), WrongTypeError);
    });
  });
}
