// RedisAI 1.2's values survive the append-only file and snapshots: a model stored with AI.MODELSTORE
// keeps its TAG and batching, a script stored with AI.SCRIPTSTORE its entry points, and the
// outputs of AI.MODELEXECUTE and of a DAG's PERSIST (all run inside MULTI / EXEC) come back as
// the tensors they stored (META forms are 1.2's in both modes), after a kill -9 (AOF replay), DEBUG RELOAD and a restart from a SAVE.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type DataDir, dataDir, expectOk, killIfRunning, killHard, readTensor } from '../src/data-dir.js';
import { type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';
import { ONNX_BACKEND_ARGS, onnxFile } from './onnx-fixtures.js';
import { TORCH_BACKEND_ARGS } from './torch-fixtures.js';

const ADDTWO = 'def addtwo(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n';

/** A flat `name value ...` reply as a map (1.2's MODELGET / SCRIPTGET META). */
function fields(reply: unknown): Map<string, unknown> {
  assert.ok(Array.isArray(reply), `expected an array, got ${String(reply)}`);
  const out = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), reply[i + 1]);
  return out;
}

/** A FLOAT tensor's values. */
async function floats(conn: RespSocket, key: string): Promise<number[]> {
  const t = await readTensor(conn, key);
  assert.equal(t?.dtype, 'FLOAT', key);
  return [...new Float32Array(new Uint8Array(t.blob).buffer)];
}

async function verify(conn: RespSocket): Promise<void> {
  const model = fields(plain(await conn.call('AI.MODELGET', 'm', 'META')));
  assert.deepEqual(
    ['backend', 'device', 'tag', 'batchsize', 'minbatchsize', 'minbatchtimeout'].map((f) => model.get(f)),
    ['ONNX', 'CPU', 'mnist:v1', 4n, 2n, 100n],
  );
  const script = fields(plain(await conn.call('AI.SCRIPTGET', 's', 'META')));
  assert.deepEqual([script.get('device'), script.get('tag'), script.get('Entry Points')], ['CPU', 'adder:v1', ['addtwo']]);
  assert.deepEqual(await floats(conn, 'c'), [3, 5]);
  assert.deepEqual((await readTensor(conn, 'y'))?.shape, [1, 10]);
  // The restored script's entry point and the restored model still run.
  expectOk(await conn.call('AI.SCRIPTEXECUTE', 's', 'addtwo', 'INPUTS', 2, 'a', 'c', 'OUTPUTS', 1, 'd'), 'SCRIPTEXECUTE');
  assert.deepEqual(await floats(conn, 'd'), [4, 7]);
  expectOk(await conn.call('AI.MODELEXECUTE', 'm', 'INPUTS', 1, 'x', 'OUTPUTS', 1, 'y2'), 'MODELEXECUTE');
}

test('MODELSTORE with TAG and batching, SCRIPTSTORE with ENTRY_POINTS and DAG PERSIST outputs survive the AOF and snapshots', async () => {
  const data: DataDir = dataDir();
  const base = [...ONNX_BACKEND_ARGS, ...TORCH_BACKEND_ARGS, '--dir', data.dir, '--enable-debug-command', 'yes'];
  let server: ServerHandle | undefined;
  const open = async (more: string[]): Promise<RespSocket> => {
    server = await startServer({ args: [...base, ...more] });
    return RespSocket.open(server.port, server.host);
  };
  try {
    let conn = await open(['--appendonly', 'yes', '--appendfsync', 'always']);
    expectOk(await conn.call('MULTI'), 'MULTI');
    const queued = [
      [
        'AI.MODELSTORE',
        'm',
        'ONNX',
        'CPU',
        'TAG',
        'mnist:v1',
        'BATCHSIZE',
        4,
        'MINBATCHSIZE',
        2,
        'MINBATCHTIMEOUT',
        100,
        'BLOB',
        onnxFile('mnist_cnn.onnx'),
      ],
      ['AI.SCRIPTSTORE', 's', 'CPU', 'TAG', 'adder:v1', 'ENTRY_POINTS', 1, 'addtwo', 'SOURCE', ADDTWO],
      ['AI.TENSORSET', 'a', 'FLOAT', 2, 'VALUES', 1, 2],
      ['AI.TENSORSET', 'b', 'FLOAT', 2, 'VALUES', 2, 3],
      ['AI.TENSORSET', 'x', 'FLOAT', 1, 1, 28, 28, 'BLOB', Buffer.alloc(28 * 28 * 4)],
      ['AI.MODELEXECUTE', 'm', 'INPUTS', 1, 'x', 'OUTPUTS', 1, 'y'],
      [
        'AI.DAGEXECUTE',
        'LOAD',
        2,
        'a',
        'b',
        'PERSIST',
        1,
        'c',
        '|>',
        'AI.SCRIPTEXECUTE',
        's',
        'addtwo',
        'INPUTS',
        2,
        'a',
        'b',
        'OUTPUTS',
        1,
        'c',
      ],
    ];
    for (const cmd of queued) assert.equal(plain(await conn.call(...cmd)), 'QUEUED', String(cmd[0]));
    assert.deepEqual(plain(await conn.call('EXEC')), ['OK', 'OK', 'OK', 'OK', 'OK', 'OK', ['OK']]);

    const dir = join(data.dir, 'appendonlydir');
    const incr = readdirSync(dir).filter((f) => f.endsWith('.incr.aof'));
    const text = incr.map((f) => readFileSync(join(dir, f), 'latin1')).join('');
    for (const word of ['AI.SCRIPTSTORE', 'ENTRY_POINTS', 'TAG', 'MINBATCHTIMEOUT', 'MULTI', 'EXEC']) assert.ok(text.includes(word), word);

    await killHard(server!);
    conn = await open(['--appendonly', 'yes', '--appendfsync', 'always']);
    await verify(conn);

    expectOk(await conn.call('DEBUG', 'RELOAD'), 'DEBUG RELOAD');
    await verify(conn);

    expectOk(await conn.call('SAVE'), 'SAVE');
    await killHard(server!);
    conn = await open([]);
    await verify(conn);
    await conn.close();
    await server!.stop();
  } finally {
    killIfRunning(server);
    data.remove();
  }
});
