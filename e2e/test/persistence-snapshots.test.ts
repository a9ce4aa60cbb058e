// Snapshots round trip every kind of value: tensors of every dtype (and a scalar, an empty
// tensor, a binary key, a large one), ONNX, TorchScript and TensorFlow models, a TorchScript
// script and run outputs come back exact after SAVE and a kill -9, DEBUG RELOAD, BGSAVE and a
// kill -9, and SHUTDOWN SAVE; restored models and scripts compute what their framework computed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DataDir,
  dataDir,
  expectOk,
  infoFields,
  killHard,
  killIfRunning,
  readModel,
  readScript,
  readTensor,
  waitUntil,
} from '../src/data-dir.js';
import { DTYPE_CASES } from '../src/dtype-cases.js';
import { assertBytesClose } from '../src/fixtures.js';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';
import { ONNX_BACKEND_ARGS, onnxFixture } from './onnx-fixtures.js';
import { TF_BACKEND_ARGS, tfFixture } from './tf-fixtures.js';
import { TORCH_BACKEND_ARGS, torchFixture } from './torch-fixtures.js';

interface Tensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly blob: Buffer;
}

const BINARY_KEY = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41]);

/** Every tensor written, by key. */
function tensors(): Map<string | Buffer, Tensor> {
  const out = new Map<string | Buffer, Tensor>();
  for (const c of DTYPE_CASES) out.set(`t:${c.dtype}`, { dtype: c.dtype, shape: c.shape, blob: c.blob });
  out.set('t:scalar', { dtype: 'FLOAT', shape: [], blob: Buffer.from(Float32Array.of(2.5).buffer) });
  out.set('t:empty', { dtype: 'INT16', shape: [0, 3], blob: Buffer.alloc(0) });
  out.set('t:large', { dtype: 'UINT8', shape: [1024, 1024], blob: Buffer.alloc(1024 * 1024, 0xa5) });
  out.set(BINARY_KEY, { dtype: 'INT8', shape: [2], blob: Buffer.from([0x80, 0x7f]) });
  return out;
}

/** The models, each with the inputs it runs on, the outputs its framework computed, and the MODELSET words. */
function models() {
  const onnx = onnxFixture('mnist_cnn');
  const tf = tfFixture('affine');
  const torch = torchFixture('addtwo');
  return [
    { key: 'm:onnx', backend: 'ONNX', blob: onnx.model, words: [] as string[], inputs: onnx.inputs, outputs: onnx.outputs, rtol: 1e-4 },
    {
      key: 'm:tf',
      backend: 'TF',
      blob: tf.model,
      words: ['INPUTS', ...tf.inputs.map((i) => i.name), 'OUTPUTS', ...tf.outputs.map((o) => o.name)],
      inputs: tf.inputs,
      outputs: tf.outputs,
      rtol: 1e-5,
    },
    {
      key: 'm:torch',
      backend: 'TORCH',
      blob: torch.artifact,
      words: [],
      inputs: torch.cases[0]!.inputs,
      outputs: torch.cases[0]!.outputs,
      rtol: 1e-5,
    },
  ];
}

const script = torchFixture('functions');

async function write(conn: RespSocket): Promise<Map<string, Buffer>> {
  for (const [key, t] of tensors())
    expectOk(await conn.call('AI.TENSORSET', key, t.dtype, ...t.shape, 'BLOB', t.blob), `TENSORSET ${String(key)}`);
  const outputs = new Map<string, Buffer>();
  for (const m of models()) {
    expectOk(await conn.call('AI.MODELSET', m.key, m.backend, 'CPU', ...m.words, 'BLOB', m.blob), `MODELSET ${m.key}`);
    outputs.set(m.key, await run(conn, m, `${m.key}:out`));
  }
  expectOk(await conn.call('AI.SCRIPTSET', 's:torch', 'CPU', script.artifact), 'SCRIPTSET');
  return outputs;
}

/** Runs a model on its fixture inputs, checks the output against its framework's, returns the bytes. */
async function run(conn: RespSocket, m: ReturnType<typeof models>[number], out: string): Promise<Buffer> {
  const inputs: string[] = [];
  for (const [i, t] of m.inputs.entries()) {
    const key = `${m.key}:in${i}`;
    expectOk(await conn.call('AI.TENSORSET', key, t.dtype, ...t.shape, 'BLOB', t.bytes), key);
    inputs.push(key);
  }
  expectOk(await conn.call('AI.MODELRUN', m.key, 'INPUTS', ...inputs, 'OUTPUTS', out), `MODELRUN ${m.key}`);
  const got = await readTensor(conn, out);
  assert.ok(got);
  assertBytesClose(m.outputs[0]!.dtype, got.blob, m.outputs[0]!.bytes, `${m.key} output`, m.rtol);
  return got.blob;
}

/** Everything written is there, exact, and runs as before. */
async function verify(conn: RespSocket, outputs: Map<string, Buffer>): Promise<void> {
  for (const [key, want] of tensors()) {
    const got = await readTensor(conn, key);
    assert.deepEqual([got?.dtype, got?.shape], [want.dtype, want.shape], `tensor ${String(key)}`);
    assert.ok(got?.blob.equals(want.blob), `tensor ${String(key)}: bytes differ`);
  }
  for (const m of models()) {
    const got = await readModel(conn, m.key);
    assert.deepEqual([got?.backend, got?.device], [m.backend, 'CPU'], m.key);
    assert.ok(got?.blob.equals(m.blob), `${m.key}: blob differs`);
    const stored = await readTensor(conn, `${m.key}:out`);
    assert.ok(stored?.blob.equals(outputs.get(m.key)!), `${m.key}: the stored output differs`);
    const again = await run(conn, m, `${m.key}:again`);
    assert.ok(again.equals(outputs.get(m.key)!), `${m.key}: the restored model computes other bytes`);
  }
  assert.deepEqual(await readScript(conn, 's:torch'), { device: 'CPU', source: script.artifact.toString('utf8') });
  for (const c of script.cases) {
    const keys: string[] = [];
    for (const [i, t] of c.inputs.entries()) {
      expectOk(await conn.call('AI.TENSORSET', `s:in${i}`, t.dtype, ...t.shape, 'BLOB', t.bytes), 's:in');
      keys.push(`s:in${i}`);
    }
    const outs = c.outputs.map((_, i) => `s:out${i}`);
    expectOk(await conn.call('AI.SCRIPTRUN', 's:torch', c.function!, 'INPUTS', ...keys, 'OUTPUTS', ...outs), `SCRIPTRUN ${c.function!}`);
    for (const [i, want] of c.outputs.entries()) {
      const got = await readTensor(conn, outs[i]!);
      assertBytesClose(want.dtype, got!.blob, want.bytes, `script ${c.function!} output ${i}`);
    }
  }
}

const BACKENDS = [...ONNX_BACKEND_ARGS, ...TORCH_BACKEND_ARGS, ...TF_BACKEND_ARGS];

describe('snapshots of every kind of value', () => {
  test('SAVE, DEBUG RELOAD, BGSAVE and SHUTDOWN SAVE bring everything back exact', async () => {
    const data: DataDir = dataDir();
    const args = [...BACKENDS, '--dir', data.dir, '--enable-debug-command', 'yes'];
    let server: ServerHandle | undefined;
    const open = async (): Promise<RespSocket> => {
      server = await startServer({ args });
      return RespSocket.open(server.port, server.host);
    };
    try {
      let conn = await open();
      const startedAt = plain(await conn.call('LASTSAVE')) as bigint;
      const outputs = await write(conn);
      expectOk(await conn.call('SAVE'), 'SAVE');
      assert.ok((plain(await conn.call('LASTSAVE')) as bigint) >= startedAt);
      assert.equal((await infoFields(conn, 'persistence')).get('rdb_changes_since_last_save'), '0');

      await killHard(server!);
      conn = await open();
      await verify(conn, outputs);

      expectOk(await conn.call('DEBUG', 'RELOAD'), 'DEBUG RELOAD');
      await verify(conn, outputs);

      expectOk(await conn.call('AI.TENSORSET', 'late', 'DOUBLE', 1, 'VALUES', 0.1), 'late');
      assert.deepEqual(plain(await conn.call('BGSAVE')), 'Background saving started');
      await waitUntil(async () => (await infoFields(conn, 'persistence')).get('rdb_bgsave_in_progress') === '0', 'BGSAVE ends');
      assert.equal((await infoFields(conn, 'persistence')).get('rdb_last_bgsave_status'), 'ok');
      await killHard(server!);
      conn = await open();
      await verify(conn, outputs);
      assert.deepEqual(await readTensor(conn, 'late'), { dtype: 'DOUBLE', shape: [1], blob: Buffer.from(Float64Array.of(0.1).buffer) });

      expectOk(await conn.call('AI.TENSORSET', 'final', 'INT8', 1, 'VALUES', 7), 'final');
      conn.send('SHUTDOWN', 'SAVE');
      await conn.closed;
      assert.deepEqual(await server!.exited, { code: 0, signal: null });
      conn = await open();
      await verify(conn, outputs);
      assert.ok(await readTensor(conn, 'final'));

      expectOk(await conn.call('AI.TENSORSET', 'unsaved', 'INT8', 1, 'VALUES', 7), 'unsaved');
      conn.send('SHUTDOWN', 'NOSAVE');
      await conn.closed;
      await server!.exited;
      conn = await open();
      assert.equal(await readTensor(conn, 'unsaved'), undefined, 'SHUTDOWN NOSAVE saves nothing');
      await conn.close();
      await server!.stop();
    } finally {
      killIfRunning(server);
      data.remove();
    }
  });
});
