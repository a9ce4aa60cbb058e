// Runs whose client disconnected before they started are dropped, never executed: queued behind
// a script that holds the TORCH queue, two clients send a run each and hang up. Their outputs are
// never written, AI.INFO does not count them, INFO counts them as dropped; the queue then serves
// the next client as usual.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../src/harness.js';
import { RespSocket, plain, text } from '../src/resp-socket.js';
import { infoFields, waitUntil } from '../src/server-info.js';
import { TORCH_BACKEND_ARGS, torchFixture } from './torch-fixtures.js';

const spin = torchFixture('spin');
const functions = torchFixture('functions');

test("a disconnected client's queued runs do not run", async () => {
  const server = await startServer({ args: [...TORCH_BACKEND_ARGS, '--model-execution-timeout', '3000'] });
  const watcher = await RespSocket.open(server.port, server.host);
  const runaway = await RespSocket.open(server.port, server.host);
  assert.equal(text(await watcher.call('AI.SCRIPTSET', 'spin', 'CPU', spin.artifact)), 'OK');
  assert.equal(text(await watcher.call('AI.SCRIPTSET', 'fns', 'CPU', functions.artifact)), 'OK');
  const add = functions.cases.find((c) => c.function === 'addtwo')!;
  for (const [i, t] of add.inputs.entries())
    assert.equal(text(await watcher.call('AI.TENSORSET', `in${i}`, t.dtype, ...t.shape, 'BLOB', t.bytes)), 'OK');

  runaway.send('AI.SCRIPTRUN', 'spin', 'spin', 'INPUTS', 'in0', 'OUTPUTS', 'never');
  await waitUntil(
    'the spin run holds the queue',
    async () => (await infoFields(watcher, 'backends')).get('queue_torch_cpu') === 'running=1,waiting=0',
  );
  const leavers = await Promise.all([0, 1].map(() => RespSocket.open(server.port, server.host)));
  for (const [i, c] of leavers.entries()) c.send('AI.SCRIPTRUN', 'fns', 'addtwo', 'INPUTS', 'in0', 'in1', 'OUTPUTS', `dropped:${i}`);
  await waitUntil(
    'both runs wait in the queue',
    async () => (await infoFields(watcher, 'backends')).get('queue_torch_cpu') === 'running=1,waiting=2',
  );
  for (const c of leavers) c.socket.destroy();
  await waitUntil('both runs are dropped', async () => (await infoFields(watcher, 'backends')).get('ai_runs_dropped') === '2');
  assert.equal((await infoFields(watcher, 'backends')).get('queue_torch_cpu'), 'running=1,waiting=0', 'dropped while the script still ran');

  assert.deepEqual(plain(await runaway.read()), { error: 'ERR script execution timed out after 3000 ms' });
  assert.equal(text(await watcher.call('AI.SCRIPTRUN', 'fns', 'addtwo', 'INPUTS', 'in0', 'in1', 'OUTPUTS', 'kept')), 'OK');
  assert.deepEqual(plain(await watcher.call('EXISTS', 'dropped:0', 'dropped:1', 'kept')), 1n);
  const info = plain(await watcher.call('AI.INFO', 'fns')) as unknown[];
  assert.equal(info[13], 1n, 'AI.INFO counts only the run that executed');
  await Promise.all([runaway.close(), watcher.close()]);
  await server.stop();
});
