// MODEL_EXECUTION_TIMEOUT bounds every run; queues are per backend and device. A TorchScript
// `while True` is answered with ERR once its time is up (libtorch stops it at its next loop
// iteration, so its process lives on), while ONNX and TF runs on the CPU complete meanwhile;
// AI.CONFIG MODEL_EXECUTION_TIMEOUT and CONFIG SET change the limit. With the backend in the
// server's process the run ends the same way and frees its queue slot. A backend process that
// does not stop a run by itself is killed and restarted: core's hosted-backend tests cover that.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliFor, errorOf } from '../src/cli-calls.js';
import { type ModelFixture, assertBytesClose } from '../src/fixtures.js';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain, text } from '../src/resp-socket.js';
import { backendInfo, infoFields, waitUntil } from '../src/server-info.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS, tfFixture } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS, torchFixture } from './torch-fixtures.js';

const spin = torchFixture('spin');
const onnx = onnxFixture('tiny_mul');
const tf = tfFixture('mul');

async function storeModel(s: RespSocket, key: string, backend: 'ONNX' | 'TF', fx: ModelFixture): Promise<string[]> {
  const names = backend === 'TF' ? ['INPUTS', ...fx.inputs.map((t) => t.name), 'OUTPUTS', ...fx.outputs.map((t) => t.name)] : [];
  assert.equal(text(await s.call('AI.MODELSET', key, backend, 'CPU', ...names, fx.model)), 'OK');
  const keys: string[] = [];
  for (const t of fx.inputs) {
    keys.push(`${key}:${t.name}`);
    assert.equal(text(await s.call('AI.TENSORSET', `${key}:${t.name}`, t.dtype, ...t.shape, 'BLOB', t.bytes)), 'OK');
  }
  return keys;
}

async function runAndCheck(s: RespSocket, key: string, inputs: string[], fx: ModelFixture, out: string): Promise<void> {
  assert.equal(text(await s.call('AI.MODELRUN', key, 'INPUTS', ...inputs, 'OUTPUTS', out)), 'OK');
  const reply = plain(await s.call('AI.TENSORGET', out, 'BLOB')) as unknown[];
  assert.equal(reply.length, 3);
  const blob = await s.call('AI.TENSORGET', out, 'BLOB');
  const bytes = blob.type === 'array' && blob.value?.[2]?.type === 'bulk' ? blob.value[2].value : null;
  assert.ok(bytes, `${key}: TENSORGET BLOB`);
  assertBytesClose('FLOAT', bytes, fx.outputs[0]!.bytes, `${key} output`, 1e-5);
}

/** Stores the spin script and its input, then starts `spin` on a connection of its own. */
async function startSpin(
  server: ServerHandle,
  other: RespSocket,
): Promise<{ runaway: RespSocket; replied: () => boolean; reply: Promise<unknown> }> {
  const runaway = await RespSocket.open(server.port, server.host);
  assert.equal(text(await runaway.call('AI.SCRIPTSET', 'spin', 'CPU', spin.artifact)), 'OK');
  const input = spin.cases.find((c) => c.function === 'addtwo')!.inputs[0]!;
  assert.equal(text(await runaway.call('AI.TENSORSET', 'spin:in', input.dtype, ...input.shape, 'BLOB', input.bytes)), 'OK');
  runaway.send('AI.SCRIPTRUN', 'spin', 'spin', 'INPUTS', 'spin:in', 'OUTPUTS', 'never');
  let done = false;
  const reply = runaway.read().then((r) => {
    done = true;
    return plain(r);
  });
  await waitUntil(
    'the spin run holds the TORCH queue',
    async () => (await infoFields(other, 'backends')).get('queue_torch_cpu')?.startsWith('running=1') === true,
  );
  return { runaway, replied: () => done, reply };
}

describe('MODEL_EXECUTION_TIMEOUT with backends in processes of their own', () => {
  test('a while-True script is ended by the timeout while ONNX and TF runs on the CPU complete meanwhile', async () => {
    const server = await startServer({
      args: [...TORCH_BACKEND_ARGS, ...ONNX_BACKEND_ARGS, ...TF_BACKEND_ARGS, '--model-execution-timeout', '3000'],
    });
    const other = await RespSocket.open(server.port, server.host);
    const onnxInputs = await storeModel(other, 'onnx', 'ONNX', onnx);
    const tfInputs = await storeModel(other, 'tf', 'TF', tf);
    const torchPid = (await backendInfo(other, 'TORCH')).get('pid');
    const { runaway, replied, reply } = await startSpin(server, other);
    for (let i = 0; i < 5; i++) {
      await runAndCheck(other, 'onnx', onnxInputs, onnx, `onnx:out${i}`);
      await runAndCheck(other, 'tf', tfInputs, tf, `tf:out${i}`);
    }
    assert.equal(replied(), false, 'the ONNX and TF runs completed while the script was still running');
    assert.deepEqual(await reply, { error: 'ERR script execution timed out after 3000 ms' });
    assert.deepEqual(plain(await other.call('EXISTS', 'never')), 0n);
    // Stopped inside libtorch at its deadline: the same process serves on.
    const after = await backendInfo(other, 'TORCH');
    assert.deepEqual([after.get('process'), after.get('pid')], ['ready', torchPid]);
    const fn = spin.cases.find((c) => c.function === 'addtwo')!;
    assert.equal(
      text(await other.call('AI.TENSORSET', 'b', fn.inputs[1]!.dtype, ...fn.inputs[1]!.shape, 'BLOB', fn.inputs[1]!.bytes)),
      'OK',
    );
    assert.equal(text(await other.call('AI.SCRIPTRUN', 'spin', 'addtwo', 'INPUTS', 'spin:in', 'b', 'OUTPUTS', 'sum')), 'OK');
    const fields = await infoFields(other, 'backends');
    assert.equal(fields.get('ai_runs_timed_out'), '1');
    const info = plain(await other.call('AI.INFO', 'spin')) as unknown[];
    assert.deepEqual([info[13], info[15]], [2n, 1n], 'AI.INFO counts the timed-out run as a call and an error');
    assert.match(server.output(), /"level":"warning".*script 'spin' timed out after 3000 ms/);
    assert.doesNotMatch(server.output(), /backend process \(pid \d+\) is killed/);
    await Promise.all([runaway.close(), other.close()]);
    await server.stop();
  });

  test('AI.CONFIG MODEL_EXECUTION_TIMEOUT and CONFIG SET change the limit; CONFIG GET and INFO show it', async () => {
    const server = await startServer();
    const cli = cliFor(server);
    assert.deepEqual(
      await cli(['CONFIG', 'GET', 'model-execution-timeout']),
      ['model-execution-timeout', '5000'].map((v) => Buffer.from(v)),
    );
    assert.deepEqual(
      await cli(['CONFIG', 'GET', 'backend-isolation']),
      ['backend-isolation', 'process'].map((v) => Buffer.from(v)),
    );
    assert.deepEqual(await cli(['AI.CONFIG', 'MODEL_EXECUTION_TIMEOUT', '1500']), { status: 'OK' });
    assert.deepEqual(
      await cli(['CONFIG', 'GET', 'model-execution-timeout']),
      ['model-execution-timeout', '1500'].map((v) => Buffer.from(v)),
    );
    assert.deepEqual(await cli(['CONFIG', 'SET', 'model-execution-timeout', '0']), { status: 'OK' });
    const s = await RespSocket.open(server.port, server.host);
    assert.equal((await infoFields(s, 'backends')).get('model_execution_timeout'), '0');
    await s.close();
    for (const bad of ['-1', 'abc', '1.5', '']) {
      assert.match(errorOf(await cli(['AI.CONFIG', 'MODEL_EXECUTION_TIMEOUT', bad])) ?? '', /^ERR MODEL_EXECUTION_TIMEOUT: invalid value/);
    }
    assert.match(errorOf(await cli(['AI.CONFIG', 'MODEL_EXECUTION_TIMEOUT'])) ?? '', /wrong number of arguments/);
    assert.match(errorOf(await cli(['CONFIG', 'SET', 'backend-isolation', 'none'])) ?? '', /can't set immutable config/);
    await server.stop();
  });

  test("with --backend-isolation none the client gets its ERR at the deadline, the run frees its slot, other backends' runs go on", async () => {
    const server = await startServer({
      args: [...TORCH_BACKEND_ARGS, ...ONNX_BACKEND_ARGS, '--backend-isolation', 'none', '--model-execution-timeout', '1000'],
    });
    const other = await RespSocket.open(server.port, server.host);
    const onnxInputs = await storeModel(other, 'onnx', 'ONNX', onnx);
    const { runaway, reply } = await startSpin(server, other);
    assert.deepEqual(await reply, { error: 'ERR script execution timed out after 1000 ms' });
    await waitUntil(
      'the TORCH slot is free',
      async () => (await infoFields(other, 'backends')).get('queue_torch_cpu') === 'running=0,waiting=0',
    );
    await runAndCheck(other, 'onnx', onnxInputs, onnx, 'onnx:out');
    assert.equal((await backendInfo(other, 'TORCH')).get('process'), 'none');
    await Promise.all([runaway.close(), other.close()]);
    await server.stop(); // fails unless the server exits with code 0
  });
});
