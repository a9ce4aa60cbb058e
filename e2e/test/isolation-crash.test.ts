// Backends run in processes of their own (the default): a model or script that crashes native
// code takes down that process, never the server. The inputs that once crashed the server are
// ERR replies; a TORCH process killed with SIGKILL in the middle of a run answers the run with ERR,
// is restarted, and its models and scripts run again without being stored again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliFor, errorOf } from '../src/cli-calls.js';
import { E2E_ROOT, type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain, text } from '../src/resp-socket.js';
import { backendInfo, infoFields, waitUntil } from '../src/server-info.js';
import { TORCH_BACKEND_ARGS, assertOutputs, torchFixture } from './torch-fixtures.js';

const CRASHERS = join(E2E_ROOT, 'fixtures', 'crashers');
const addtwo = torchFixture('addtwo');
const spin = torchFixture('spin');

let server: ServerHandle;
const cli = cliFor({
  get port() {
    return server.port;
  },
});

async function assertServing(where: string): Promise<void> {
  assert.deepEqual(await cli(['PING']), { status: 'PONG' }, `the server answers PING after ${where}`);
}

describe('a crash in native code is a crash of the backend process, not of the server', () => {
  before(async () => {
    server = await startServer({ args: [...TORCH_BACKEND_ARGS, '--model-execution-timeout', '0'] });
  });
  after(async () => {
    await server.stop();
  });

  test('the TorchScript model with a flipped byte inside its zip is an ERR; nothing is stored; the crash is logged', async () => {
    const blob = readFileSync(join(CRASHERS, 'torch-model-zipflip.pt'));
    const reply = await cli(['AI.MODELSET', 'zipflip', 'TORCH', 'CPU'], blob);
    // libtorch dies of SIGSEGV or, when the damage reaches its allocator first, SIGABRT.
    assert.match(
      errorOf(reply) ?? '',
      /^ERR TORCH backend process died \(SIG(SEGV|ABRT)\) while loading the model; it has been restarted$/,
    );
    await assertServing('the crashing MODELSET');
    assert.deepEqual(await cli(['EXISTS', 'zipflip']), { integer: 0n });
    assert.match(
      server.output(),
      /"level":"warning".*TORCH backend process \(pid \d+\) died \(SIG(SEGV|ABRT)\) while loading the model; restarting it/,
    );
  });

  test('the script nested 6,000 parentheses deep is an ERR; nothing is stored', async () => {
    const source = readFileSync(join(CRASHERS, 'torch-script-deep-parens.txt'));
    const reply = await cli(['AI.SCRIPTSET', 'deep', 'CPU'], source);
    assert.match(errorOf(reply) ?? '', /^ERR /);
    await assertServing('the deep SCRIPTSET');
    assert.deepEqual(await cli(['EXISTS', 'deep']), { integer: 0n });
  });

  test('SIGKILL to the TORCH process mid-run: ERR for the run, a new process, the model and script run again and match torch', async () => {
    const runaway = await RespSocket.open(server.port, server.host);
    const other = await RespSocket.open(server.port, server.host);
    assert.equal(text(await other.call('AI.MODELSET', 'add', 'TORCH', 'CPU', addtwo.artifact)), 'OK');
    assert.equal(text(await other.call('AI.SCRIPTSET', 'spin', 'CPU', spin.artifact)), 'OK');
    const model = addtwo.cases[0]!;
    const fn = spin.cases.find((c) => c.function === 'addtwo')!;
    for (const [i, t] of model.inputs.entries())
      assert.equal(text(await other.call('AI.TENSORSET', `m${i}`, t.dtype, ...t.shape, 'BLOB', t.bytes)), 'OK');
    for (const [i, t] of fn.inputs.entries())
      assert.equal(text(await other.call('AI.TENSORSET', `s${i}`, t.dtype, ...t.shape, 'BLOB', t.bytes)), 'OK');

    runaway.send('AI.SCRIPTRUN', 'spin', 'spin', 'INPUTS', 's0', 'OUTPUTS', 'never');
    await waitUntil(
      'the spin run holds the TORCH queue',
      async () => (await infoFields(other, 'backends')).get('queue_torch_cpu') === 'running=1,waiting=0',
    );
    const before = await backendInfo(other, 'TORCH');
    const pid = Number(before.get('pid'));
    assert.ok(pid > 0 && pid !== server.pid, `INFO names the TORCH process: ${String(before.get('pid'))}`);
    process.kill(pid, 'SIGKILL');

    assert.deepEqual(plain(await runaway.read()), {
      error: 'ERR TORCH backend process died (SIGKILL) while running the script; it has been restarted',
    });
    await waitUntil('the TORCH process is back', async () => (await backendInfo(other, 'TORCH')).get('process') === 'ready');
    const now = await backendInfo(other, 'TORCH');
    assert.notEqual(now.get('pid'), String(pid));
    assert.equal(Number(now.get('restarts')), Number(before.get('restarts')) + 1);

    assert.equal(text(await other.call('AI.MODELRUN', 'add', 'INPUTS', 'm0', 'm1', 'OUTPUTS', 'sum')), 'OK');
    await assertOutputs(cli, ['sum'], model.outputs, 'the model after the restart');
    assert.equal(text(await other.call('AI.SCRIPTRUN', 'spin', 'addtwo', 'INPUTS', 's0', 's1', 'OUTPUTS', 'fsum')), 'OK');
    await assertOutputs(cli, ['fsum'], fn.outputs, 'the script after the restart');
    assert.deepEqual(plain(await other.call('EXISTS', 'never')), 0n);
    assert.match(server.output(), /died \(SIGKILL\) while running the script; restarting it/);
    assert.match(server.output(), /2 models and scripts loaded again into the TORCH backend process/);
    await Promise.all([runaway.close(), other.close()]);
  });
});
