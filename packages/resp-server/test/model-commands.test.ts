import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type LogFields, type Logger, ReplyError, silentLogger } from '@modelkv/core';
import { type ModelkvServer, createServer } from '../src/server.js';
import { ErrorReply, type Reply, RespClient, Status, encodeCommand, text } from './resp-client.js';

/**
 * A small backend, written the way a third party would write one: a model is JSON naming an
 * element-wise operation on FLOAT tensors. A model marked `gated` finishes its runs only when
 * the test opens the gate (which closes again for later runs), so the test can hold a run in
 * flight for as long as it needs.
 */
function backendSource(coreUrl: string): string {
  return `
import { Tensor, BACKEND_INTERFACE_VERSION } from ${JSON.stringify(coreUrl)};
// Errors from another copy of core, as a backend bundling its own would throw them.
import { ReplyError } from ${JSON.stringify(secondCopyOfErrors(coreUrl))};
let opened = () => {};
let gate = new Promise((r) => { opened = r; });
export function openGate() {
  opened();
  gate = new Promise((r) => { opened = r; });
}
export const backend = {
  name: 'ONNX',
  interfaceVersion: BACKEND_INTERFACE_VERSION,
  version: 'elementwise-1',
  devices: () => ['CPU'],
  async loadModel(blob) {
    let spec;
    try { spec = JSON.parse(blob.toString()); } catch { throw new Error('model is not JSON'); }
    if (spec.op !== 'add' && spec.op !== 'mul' && spec.op !== 'busy') throw new Error('unsupported op ' + spec.op);
    return {
      inputNames: ['a', 'b'],
      outputNames: ['c'],
      async run(inputs) {
        if (spec.gated) await gate;
        if (spec.op === 'busy') throw new ReplyError('the device is busy', 'BUSY');
        const [a, b] = inputs;
        if (a.dtype !== 'FLOAT' || b.dtype !== 'FLOAT') throw new Error('inputs must be FLOAT');
        const x = new Float32Array(a.data.buffer, a.data.byteOffset, a.length);
        const y = new Float32Array(b.data.buffer, b.data.byteOffset, b.length);
        const out = x.map((v, i) => (spec.op === 'add' ? v + y[i] : v * y[i]));
        return [Tensor.fromBlob('FLOAT', a.shape, Buffer.from(out.buffer))];
      },
      release() {},
    };
  },
};
`;
}

/** core's errors module under another URL: a module instance, and a ReplyError class, of its own. */
function secondCopyOfErrors(coreUrl: string): string {
  return new URL('./errors.js?second-copy', coreUrl).href;
}

let server: ModelkvServer;
let port: number;
/** The warnings the server logged, as `message field=value ...`. */
const warnings: string[] = [];
const logger: Logger = {
  ...silentLogger,
  warning: (message: string, fields?: LogFields) => {
    warnings.push([message, ...Object.entries(fields ?? {}).map(([k, v]) => `${k}=${String(v)}`)].join(' '));
  },
};
let dir: string;
let backendPath: string;
const clients: RespClient[] = [];

async function connect(): Promise<RespClient> {
  const c = await RespClient.connect(port);
  clients.push(c);
  return c;
}

function ok(r: Reply): void {
  assert.ok(r instanceof Status && r.text === 'OK', `expected OK, got ${r instanceof ErrorReply ? r.message : JSON.stringify(r)}`);
}

function errorText(r: Reply): string {
  assert.ok(r instanceof ErrorReply, `expected an error reply, got ${JSON.stringify(r)}`);
  return r.message;
}

function floats(...v: number[]): Buffer {
  return Buffer.from(new Float32Array(v).buffer);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelkv-backend-'));
  backendPath = join(dir, 'elementwise.mjs');
  writeFileSync(backendPath, backendSource(import.meta.resolve('@modelkv/core')));
  // In-process: the test opens the gate in the backend module it imported itself. The backend is
  // one .mjs file, which AI.CONFIG LOADBACKEND loads only with loadbackendAllowFiles.
  server = createServer({ port: 0, backendIsolation: 'none', loadbackendAllowFiles: true, logger });
  ({ port } = await server.listen());
});

after(async () => {
  for (const c of clients) c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('model commands over a socket', () => {
  it('loads a backend by path and refuses a second one or a bad path', async () => {
    const c = await connect();
    assert.match(errorText(await c.call('AI.MODELSET', 'm', 'ONNX', 'CPU', '{}')), /backend ONNX is not loaded/);
    assert.match(errorText(await c.call('AI.CONFIG', 'LOADBACKEND', 'ONNX', join(dir, 'missing.js'))), /cannot load backend ONNX from/);
    ok(await c.call('AI.CONFIG', 'LOADBACKEND', 'onnx', backendPath));
    assert.match(errorText(await c.call('AI.CONFIG', 'LOADBACKEND', 'ONNX', backendPath)), /already loaded/);
    assert.match(errorText(await c.call('AI.CONFIG', 'LOADBACKEND', 'TORCH', backendPath)), /not a modelkv backend/);
    assert.match(errorText(await c.call('AI.CONFIG', 'LOADBACKEND', 'CAFFE', backendPath)), /^ERR unsupported backend$/);
    assert.match(
      text(await c.call('INFO', 'backends')),
      new RegExp(`backend_onnx:version=elementwise-1,path=${escape(backendPath)},devices=CPU`),
    );
  });

  it('sets, gets, runs and deletes a model', async () => {
    const c = await connect();
    const blob = Buffer.from(JSON.stringify({ op: 'mul' }));
    ok(await c.call('AI.MODELSET', 'mul', 'ONNX', 'CPU', blob));
    ok(await c.call('AI.MODELSET', 'mul2', 'ONNX', 'cpu', 'BLOB', blob));
    assert.deepEqual(await c.call('AI.MODELGET', 'mul'), [new Status('ONNX'), new Status('CPU'), blob]);
    assert.deepEqual(await c.call('TYPE', 'mul'), new Status('AI__MODEL'));
    ok(await c.call('AI.TENSORSET', 'a', 'FLOAT', '2', '2', 'BLOB', floats(1, 2, 3, 4)));
    ok(await c.call('AI.TENSORSET', 'b', 'FLOAT', '2', '2', 'VALUES', '2', '2', '2', '0.5'));
    ok(await c.call('AI.MODELRUN', 'mul', 'inputs', 'a', 'b', 'outputs', 'c'));
    assert.deepEqual(await c.call('AI.TENSORGET', 'c', 'BLOB'), [new Status('FLOAT'), [2, 2], floats(2, 4, 6, 2)]);
    const info = (await c.call('AI.INFO', 'mul')) as Reply[];
    assert.equal(info.length, 16);
    assert.deepEqual(info.filter((_, i) => i % 2 === 0).map(text), [
      'KEY',
      'TYPE',
      'BACKEND',
      'DEVICE',
      'DURATION',
      'SAMPLES',
      'CALLS',
      'ERRORS',
    ]);
    assert.deepEqual(
      [info[1], info[3], info[5], info[7]],
      [Buffer.from('mul'), new Status('MODEL'), new Status('ONNX'), new Status('CPU')],
    );
    assert.equal(typeof info[9], 'number');
    assert.deepEqual([info[11], info[13], info[15]], [2, 1, 0]);
    ok(await c.call('AI.INFO', 'mul', 'RESETSTAT'));
    assert.deepEqual(((await c.call('AI.INFO', 'mul')) as Reply[]).slice(8), [
      new Status('DURATION'),
      0,
      new Status('SAMPLES'),
      0,
      new Status('CALLS'),
      0,
      new Status('ERRORS'),
      0,
    ]);
    ok(await c.call('AI.MODELDEL', 'mul2'));
    assert.equal(await c.call('EXISTS', 'mul2'), 0);
  });

  it('answers model errors with ERR and keeps serving', async () => {
    const c = await connect();
    assert.match(errorText(await c.call('AI.MODELSET', 'bad', 'ONNX', 'CPU', 'not json')), /^ERR model is not JSON/);
    assert.equal(await c.call('EXISTS', 'bad'), 0);
    assert.match(errorText(await c.call('AI.MODELSET', 'bad', 'ONNX', 'GPU', '{"op":"add"}')), /^ERR device GPU:0 is not available/);
    // 0.9 accepted and ignored node names for backends other than TF.
    ok(await c.call('AI.MODELSET', 'named', 'ONNX', 'CPU', 'INPUTS', 'x', 'OUTPUTS', 'y', '{"op":"add"}'));
    assert.match(errorText(await c.call('AI.MODELSET', 'bad', 'ONNX', 'CPU', 'BLOB')), /missing model BLOB/);
    ok(await c.call('AI.TENSORSET', 'i', 'INT32', '1'));
    ok(await c.call('AI.MODELSET', 'add', 'ONNX', 'CPU', '{"op":"add"}'));
    assert.match(errorText(await c.call('AI.MODELRUN', 'add', 'INPUTS', 'i', 'i', 'OUTPUTS', 'o')), /inputs must be FLOAT/);
    assert.match(errorText(await c.call('AI.MODELRUN', 'add', 'INPUTS', 'i', 'OUTPUTS', 'o')), /expects 2 inputs/);
    assert.match(errorText(await c.call('AI.MODELRUN', 'add', 'INPUTS', 'nope', 'i', 'OUTPUTS', 'o')), /^ERR Input key is empty$/);
    assert.match(errorText(await c.call('AI.MODELRUN', 'add', 'i', 'i', 'OUTPUTS', 'o')), /INPUTS not specified/);
    assert.match(errorText(await c.call('AI.MODELRUN', 'add', 'INPUTS', 'i', 'i')), /OUTPUTS not specified/);
    assert.match(errorText(await c.call('AI.MODELRUN', 'i', 'INPUTS', 'i', 'OUTPUTS', 'o')), /^WRONGTYPE/);
    assert.match(errorText(await c.call('AI.TENSORGET', 'add', 'META')), /^WRONGTYPE/);
    assert.match(errorText(await c.call('AI.TENSORSET', 'add', 'FLOAT', '1')), /^WRONGTYPE/);
    assert.match(errorText(await c.call('AI.MODELSET', 'i', 'ONNX', 'CPU', '{"op":"add"}')), /^WRONGTYPE/);
    assert.match(errorText(await c.call('AI.INFO', 'i')), /^ERR cannot find run info for key/);
    assert.match(errorText(await c.call('AI.SCRIPTSET', 's', 'CPU', 'def f(a): return a')), /backend TORCH is not loaded/);
    // Both failed in the queued run (wrong dtype, wrong input count): calls and errors, as 0.9 counted them.
    assert.equal(((await c.call('AI.INFO', 'add')) as Reply[])[15], 2, 'the failed runs count as errors');
    ok(await c.call('AI.MODELSET', 'busy', 'ONNX', 'CPU', '{"op":"busy"}'));
    ok(await c.call('AI.TENSORSET', 'f', 'FLOAT', '1'));
    const other = (await import(secondCopyOfErrors(import.meta.resolve('@modelkv/core')))) as typeof import('@modelkv/core');
    assert.notEqual(other.ReplyError, ReplyError, 'the backend throws errors of another class');
    assert.equal(errorText(await c.call('AI.MODELRUN', 'busy', 'INPUTS', 'f', 'f', 'OUTPUTS', 'o')), 'BUSY the device is busy');
    assert.deepEqual(await c.call('PING'), new Status('PONG'));
  });

  it('holds a client while its run is in flight, serving the others and answering in order', async () => {
    const mod = (await import(pathToFileURL(backendPath).href)) as { openGate(): void };
    const a = await connect();
    const b = await connect();
    ok(await a.call('AI.MODELSET', 'slow', 'ONNX', 'CPU', '{"op":"add","gated":true}'));
    ok(await a.call('AI.TENSORSET', 'x', 'FLOAT', '2', 'VALUES', '1', '2'));
    a.send('AI.MODELRUN', 'slow', 'INPUTS', 'x', 'x', 'OUTPUTS', 'y');
    a.send('AI.TENSORGET', 'y', 'VALUES');
    a.send('PING');
    // The run cannot finish until the gate opens: everything b asks is answered meanwhile.
    assert.deepEqual(await b.call('PING'), new Status('PONG'));
    assert.deepEqual(await b.call('AI.TENSORGET', 'x', 'VALUES'), [new Status('FLOAT'), [2], [Buffer.from('1'), Buffer.from('2')]]);
    assert.match(text(await b.call('CLIENT', 'LIST')), /flags=b .*cmd=ai\.modelrun/);
    assert.match(text(await b.call('INFO', 'clients')), /blocked_clients:1/);
    mod.openGate();
    const [run, got, pong] = await a.read(3);
    ok(run!);
    assert.deepEqual(got, [new Status('FLOAT'), [2], [Buffer.from('2'), Buffer.from('4')]]);
    assert.deepEqual(pong, new Status('PONG'));
  });

  it('keeps the keys of a waiting run intact while the requests after it arrive', async () => {
    const mod = (await import(pathToFileURL(backendPath).href)) as { openGate(): void };
    const a = await connect();
    const b = await connect();
    ok(await a.call('AI.MODELSET', 'slow-mul', 'ONNX', 'CPU', '{"op":"mul","gated":true}'));
    ok(await a.call('AI.TENSORSET', 'p', 'FLOAT', '2', 'VALUES', '3', '4'));
    const later = Array.from({ length: 300 }, (_, i) =>
      encodeCommand(['AI.TENSORSET', `filler:${i}`, 'UINT8', '1000', 'BLOB', Buffer.alloc(1000, i)]),
    );
    // The run and the requests after it come in one write, so in one read.
    a.sendRaw(
      Buffer.concat([encodeCommand(['AI.MODELRUN', 'slow-mul', 'INPUTS', 'p', 'p', 'OUTPUTS', 'product:kept']), ...later.slice(0, 50)]),
    );
    let held = false;
    for (let attempt = 0; attempt < 200 && !held; attempt++) {
      held = /flags=b .*cmd=ai\.modelrun/.test(text(await b.call('CLIENT', 'LIST')));
      if (!held) await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(held, 'the run is in flight');
    // Another client's requests are read meanwhile, into the memory the run's request came in.
    ok(await b.call('AI.TENSORSET', 'other', 'UINT8', '1000', 'BLOB', Buffer.alloc(1000, 0x41)));
    a.sendRaw(Buffer.concat(later.slice(50)));
    await new Promise((r) => setTimeout(r, 20));
    mod.openGate();
    const replies = await a.read(301);
    for (const r of replies) ok(r);
    assert.deepEqual(await a.call('AI.TENSORGET', 'product:kept', 'VALUES'), [
      new Status('FLOAT'),
      [2],
      [Buffer.from('9'), Buffer.from('16')],
    ]);
    assert.deepEqual(await a.call('AI.TENSORGET', 'filler:49', 'BLOB'), [new Status('UINT8'), [1000], Buffer.alloc(1000, 49)]);
    assert.deepEqual(await a.call('AI.TENSORGET', 'filler:299', 'BLOB'), [new Status('UINT8'), [1000], Buffer.alloc(1000, 299 & 0xff)]);
  });
  it('answers a backend bug as an internal error, reports it, and keeps serving', async () => {
    const c = await connect();
    const buggy = join(dir, 'buggy.mjs');
    writeFileSync(
      buggy,
      `import { BACKEND_INTERFACE_VERSION } from ${JSON.stringify(import.meta.resolve('@modelkv/core'))};
export const backend = {
  name: 'TF',
  interfaceVersion: BACKEND_INTERFACE_VERSION,
  version: 'buggy-1',
  devices() { throw new TypeError('devices is broken'); },
  async loadModel() { throw new Error('never reached'); },
};
`,
    );
    ok(await c.call('AI.CONFIG', 'LOADBACKEND', 'TF', buggy));
    warnings.length = 0;
    const reply = await c.call('AI.MODELSET', 'g', 'TF', 'CPU', 'INPUTS', 'a', 'OUTPUTS', 'b', 'graph');
    assert.equal(errorText(reply), 'ERR internal error: devices is broken');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^internal error running ai\.modelset for client \d+ error=TypeError: devices is broken\n {4}at /);
    assert.deepEqual(await c.call('PING'), new Status('PONG'));
  });

  it('drops a run whose client disconnected while it waited, and runs the one that had started', async () => {
    const mod = (await import(pathToFileURL(backendPath).href)) as { openGate(): void };
    const a = await connect();
    const gone = await connect();
    ok(await a.call('AI.MODELSET', 'held', 'ONNX', 'CPU', '{"op":"add","gated":true}'));
    ok(await a.call('AI.TENSORSET', 'h', 'FLOAT', '1', 'VALUES', '5'));
    const dropped = server.engine.runCounters.dropped;
    a.send('AI.MODELRUN', 'held', 'INPUTS', 'h', 'h', 'OUTPUTS', 'held:first');
    await until('the first run holds the queue', () => server.engine.queues.list().some((q) => q.running === 1));
    gone.send('AI.MODELRUN', 'held', 'INPUTS', 'h', 'h', 'OUTPUTS', 'held:gone');
    await until('the second run waits', () => server.engine.queues.list().some((q) => q.depth === 1));
    // The waiting client's connection is read while its command waits, so its leaving is seen.
    gone.close();
    await until('the second run is dropped', () => server.engine.runCounters.dropped === dropped + 1);
    mod.openGate();
    ok((await a.read(1))[0]!);
    assert.equal(await a.call('EXISTS', 'held:first', 'held:gone'), 1);
    assert.equal(((await a.call('AI.INFO', 'held')) as Reply[])[13], 1, 'only the first run counts as a call');
  });
});

/** Polls `check` until it holds; gives up after a bound that only keeps a broken build from hanging. */
async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
