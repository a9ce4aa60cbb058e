// Damaged data files: an append-only file cut short at its end loads what is complete (and says
// so), or refuses with aof-load-truncated no; damage anywhere else refuses the start naming the
// offset, and modelkv-check-aof reports and cuts as redis-check-aof does; a damaged snapshot
// refuses naming the key; a model whose backend is not loaded refuses the start, naming both,
// unless --keep-models-without-backend keeps it until LOADBACKEND.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DataDir, dataDir, expectOk, readModel, readTensor } from '../src/data-dir.js';
import { REPO_ROOT, type ServerHandle, startServer } from '../src/harness.js';
import { RespSocket, plain } from '../src/resp-socket.js';
import { ONNX_BACKEND_ARGS, onnxFile, onnxFixture } from './onnx-fixtures.js';

const CHECK_AOF = join(REPO_ROOT, 'packages/persistence/dist/src/check-aof-bin.js');

/** Runs the bin to its end: the server's own command line, or modelkv-check-aof. */
function run(file: string, args: string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [file, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stdin.end(stdin);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, out });
    });
  });
}

const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');

/** Starts a server that must refuse to start; resolves to what it printed. */
async function refusedStart(args: string[]): Promise<string> {
  const r = await run(SERVER_BIN, ['--port', '0', ...args]);
  assert.equal(r.code, 1, `the server should refuse to start:\n${r.out}`);
  assert.doesNotMatch(r.out, /Ready to accept connections/);
  return r.out;
}

function incrFile(dir: string): string {
  const files = readdirSync(join(dir, 'appendonlydir')).filter((f) => f.endsWith('.incr.aof'));
  assert.equal(files.length, 1);
  return join(dir, 'appendonlydir', files[0]!);
}

const aofArgs = (dir: string): string[] => ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];

/** Five tensors k0..k4 written and the server stopped (SHUTDOWN NOSAVE: the file is written out). */
async function fiveTensors(dir: string): Promise<void> {
  const server = await startServer({ args: aofArgs(dir) });
  const conn = await RespSocket.open(server.port, server.host);
  for (let i = 0; i < 5; i++) expectOk(await conn.call('AI.TENSORSET', `k${i}`, 'INT32', 2, 'VALUES', i, -i), `k${i}`);
  conn.send('SHUTDOWN', 'NOSAVE');
  await conn.closed;
  assert.deepEqual(await server.exited, { code: 0, signal: null });
}

async function keysOf(server: ServerHandle): Promise<string[]> {
  const conn = await RespSocket.open(server.port, server.host);
  const keys = (plain(await conn.call('KEYS', '*')) as string[]).sort();
  await conn.close();
  return keys;
}

describe('damaged data files', () => {
  let data: DataDir;
  before(() => {
    data = dataDir();
  });
  after(() => {
    data.remove();
  });

  test('a file cut inside its last command: loaded up to it and logged, or refused with aof-load-truncated no', async () => {
    const dir = join(data.dir, 'truncated');
    mkdirSync(dir);
    await fiveTensors(dir);
    const file = incrFile(dir);
    truncateSync(file, statSync(file).size - 5);
    const refused = await refusedStart([...aofArgs(dir), '--aof-load-truncated', 'no']);
    assert.match(refused, /Unexpected end of file reading the append only file .*modelkv-check-aof --fix/);
    const server = await startServer({ args: aofArgs(dir) });
    assert.match(server.output(), /AOF loaded anyway because aof-load-truncated is enabled/);
    assert.deepEqual(await keysOf(server), ['k0', 'k1', 'k2', 'k3']);
    // The file was cut back to its last whole command, so what follows appends cleanly.
    const conn = await RespSocket.open(server.port, server.host);
    expectOk(await conn.call('AI.TENSORSET', 'k9', 'INT8', 1), 'k9');
    await conn.close();
    await server.stop();
    const again = await startServer({ args: aofArgs(dir) });
    assert.deepEqual(await keysOf(again), ['k0', 'k1', 'k2', 'k3', 'k9']);
    await again.stop();
  });

  test('damage inside the file refuses the start naming the offset; modelkv-check-aof reports it and --fix cuts there', async () => {
    const dir = join(data.dir, 'corrupt');
    mkdirSync(dir);
    await fiveTensors(dir);
    const file = incrFile(dir);
    const bytes = readFileSync(file);
    const at = bytes.indexOf('*6\r\n$12\r\nAI.TENSORSET\r\n$2\r\nk2');
    assert.ok(at > 0);
    bytes.write('#!', at + 4, 'latin1'); // the `$1` length of the command name becomes garbage
    writeFileSync(file, bytes);
    const refused = await refusedStart(aofArgs(dir));
    assert.match(refused, new RegExp(`Bad file format reading the append only file .* at offset ${at + 4}`));
    const manifest = join(dir, 'appendonlydir', 'appendonly.aof.manifest');
    const check = await run(CHECK_AOF, [manifest]);
    assert.equal(check.code, 1, check.out);
    assert.match(check.out, new RegExp(`ok_up_to=${at}, diff=${bytes.length - at}`));
    assert.match(check.out, /is not valid\. Use the --fix option to try fixing it\./);
    const no = await run(CHECK_AOF, ['--fix', manifest], 'n\n');
    assert.equal(no.code, 1);
    assert.equal(statSync(file).size, bytes.length, 'answering no leaves the file as it was');
    const fixed = await run(CHECK_AOF, ['--fix', manifest], 'y\n');
    assert.equal(fixed.code, 0, fixed.out);
    assert.match(fixed.out, /Successfully truncated AOF/);
    assert.equal(statSync(file).size, at);
    const valid = await run(CHECK_AOF, [manifest]);
    assert.equal(valid.code, 0, valid.out);
    assert.match(valid.out, /All AOF files and manifest are valid|is valid/);
    const server = await startServer({ args: aofArgs(dir) });
    assert.deepEqual(await keysOf(server), ['k0', 'k1']);
    await server.stop();
  });

  test('a damaged snapshot refuses the start, naming the key', async () => {
    const dir = join(data.dir, 'snapshot');
    mkdirSync(dir);
    const server = await startServer({ args: ['--dir', dir] });
    const conn = await RespSocket.open(server.port, server.host);
    const blob = Buffer.alloc(4096, 0x5a);
    expectOk(await conn.call('AI.TENSORSET', 'victim', 'UINT8', 4096, 'BLOB', blob), 'victim');
    expectOk(await conn.call('SAVE'), 'SAVE');
    conn.send('SHUTDOWN', 'NOSAVE');
    await conn.closed;
    await server.exited;
    const file = join(dir, 'dump.rdb');
    const bytes = readFileSync(file);
    const at = bytes.indexOf(blob) + 100;
    bytes[at] = bytes[at]! ^ 0x10;
    writeFileSync(file, bytes);
    const out = await refusedStart(['--dir', dir]);
    assert.match(out, /dump\.rdb: bad snapshot: checksum mismatch in the record of key 'victim' \(at offset \d+\)/);
  });

  test('a model whose backend is not loaded refuses the start; kept with --keep-models-without-backend until LOADBACKEND', async () => {
    const dir = join(data.dir, 'backend');
    mkdirSync(dir);
    const mnist = onnxFixture('mnist_cnn');
    const first = await startServer({ args: [...ONNX_BACKEND_ARGS, ...aofArgs(dir)] });
    let conn = await RespSocket.open(first.port, first.host);
    expectOk(await conn.call('AI.MODELSET', 'mnist', 'ONNX', 'CPU', 'BLOB', onnxFile('mnist_cnn.onnx')), 'MODELSET');
    const input = mnist.inputs[0]!;
    expectOk(await conn.call('AI.TENSORSET', 'img', input.dtype, ...input.shape, 'BLOB', input.bytes), 'TENSORSET');
    expectOk(await conn.call('AI.MODELRUN', 'mnist', 'INPUTS', 'img', 'OUTPUTS', 'before'), 'MODELRUN');
    const before = await readTensor(conn, 'before');
    await conn.close();
    await first.stop();

    const out = await refusedStart(aofArgs(dir));
    assert.match(out, /key 'mnist' holds a ONNX model but backend ONNX is not loaded/);

    const kept = await startServer({ args: [...aofArgs(dir), '--keep-models-without-backend', 'yes'] });
    conn = await RespSocket.open(kept.port, kept.host);
    assert.ok((await readModel(conn, 'mnist'))?.blob.equals(onnxFile('mnist_cnn.onnx')));
    const refusedRun = plain(await conn.call('AI.MODELRUN', 'mnist', 'INPUTS', 'img', 'OUTPUTS', 'after')) as { error: string };
    assert.match(refusedRun.error, /^ERR model was restored but backend ONNX is not loaded/);
    expectOk(await conn.call('AI.CONFIG', 'LOADBACKEND', 'ONNX', 'packages/backend-onnx'), 'LOADBACKEND');
    expectOk(await conn.call('AI.MODELRUN', 'mnist', 'INPUTS', 'img', 'OUTPUTS', 'after'), 'MODELRUN after LOADBACKEND');
    const after = await readTensor(conn, 'after');
    assert.ok(after?.blob.equals(before!.blob), 'the kept model computes what it did before the restart');
    await conn.close();
    await kept.stop();
  });
});
