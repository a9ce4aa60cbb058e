// A TorchScript function that never returns, run by one client with the backend in the server's
// process and no time limit: it holds the TORCH CPU queue's run slot (and one backend thread)
// for good, yet every other client is still served, and the server still stops on SIGTERM with
// exit code 0. Only the order of replies is asserted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain, text } from '../src/resp-socket.js';
import { assertBytesClose } from '../src/fixtures.js';
import { TORCH_BACKEND_ARGS, torchFixture } from './torch-fixtures.js';

const spin = torchFixture('spin');
const IN_PROCESS = [...TORCH_BACKEND_ARGS, '--backend-isolation', 'none', '--model-execution-timeout', '0'];
const addtwo = spin.cases.find((c) => c.function === 'addtwo')!;

/** Stores the spin script and its inputs, then starts `spin` on a connection of its own. */
async function startRunaway(server: ServerHandle): Promise<{ runaway: RespSocket; other: RespSocket }> {
  const runaway = await RespSocket.open(server.port, server.host);
  const other = await RespSocket.open(server.port, server.host);
  assert.equal(text(await runaway.call('AI.SCRIPTSET', 'spin', 'CPU', spin.artifact)), 'OK');
  for (const [i, t] of addtwo.inputs.entries()) {
    assert.equal(text(await runaway.call('AI.TENSORSET', `in${i}`, t.dtype, ...t.shape, 'BLOB', t.bytes)), 'OK');
  }
  runaway.send('AI.SCRIPTRUN', 'spin', 'spin', 'INPUTS', 'in0', 'OUTPUTS', 'never');
  // INFO's queue line shows when the run holds the CPU queue's slot.
  while (!text(await other.call('INFO')).includes('queue_torch_cpu:running=1')) await new Promise((r) => setTimeout(r, 20));
  return { runaway, other };
}

describe('a script that never returns', () => {
  test('other clients keep being served (PING, TENSORSET, TENSORGET, SCRIPTGET); SIGTERM still stops the server', async () => {
    const server = await startServer({ args: IN_PROCESS });
    const { runaway, other } = await startRunaway(server);
    for (let i = 0; i < 10; i++) {
      assert.equal(text(await other.call('PING')), 'PONG');
      assert.equal(text(await other.call('AI.TENSORSET', `probe${i}`, 'INT32', 2, 'VALUES', i, -i)), 'OK');
      assert.deepEqual(plain(await other.call('AI.TENSORGET', `probe${i}`, 'VALUES')), ['INT32', [2n], [BigInt(i), BigInt(-i)]]);
    }
    assert.deepEqual(plain(await other.call('AI.SCRIPTGET', 'spin')), ['CPU', spin.artifact.toString('utf8')]);
    assert.deepEqual(plain(await other.call('EXISTS', 'never')), 0n);
    // The run never replied: its connection has nothing to read.
    let runawayReplied = false;
    void runaway.read().then(
      () => (runawayReplied = true),
      () => undefined,
    );
    await server.stop(); // fails unless the server exits with code 0
    assert.equal(runawayReplied, false);
    await Promise.all([runaway.closed, other.closed]);
  });

  test('with --threads-per-queue 2, other scripts still run on the CPU queue beside it', async () => {
    const server = await startServer({ args: [...IN_PROCESS, '--threads-per-queue', '2'] });
    const { other } = await startRunaway(server);
    assert.equal(text(await other.call('AI.SCRIPTRUN', 'spin', 'addtwo', 'INPUTS', 'in0', 'in1', 'OUTPUTS', 'sum')), 'OK');
    const reply = await other.call('AI.TENSORGET', 'sum', 'BLOB');
    assert.equal(reply.type, 'array');
    const blob = reply.value?.[2]?.type === 'bulk' ? reply.value[2].value : null;
    assert.ok(blob, 'TENSORGET BLOB returns the data');
    assertBytesClose('FLOAT', blob, addtwo.outputs[0]!.bytes, 'addtwo beside the runaway run');
    await server.stop();
  });
});
