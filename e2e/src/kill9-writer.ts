// The writer of the kill -9 test, a process of its own: several connections write tensors
// (random dtypes, shapes and bytes), upload models and run them, as fast as the server answers,
// until the server dies. Every write is logged before it is sent (its key and a digest of what
// the key must then hold) and again once acknowledged, one JSON line each, synchronously, so the
// log survives whatever happens to the server.
//
// Usage: node --import tsx src/kill9-writer.ts PORT SEED TAG LOG_FILE
import { appendFileSync, readFileSync } from 'node:fs';
import { INPUT_FILE, INPUT_SHAPE, type LogLine, MODEL_FILE, blobDigest, random, tensorDigest } from './kill9-log.js';
import { type RespReply, RespSocket } from './resp-socket.js';

const CONNECTIONS = 3;
const DTYPES: readonly [string, number][] = [
  ['FLOAT', 4],
  ['DOUBLE', 8],
  ['INT8', 1],
  ['INT16', 2],
  ['INT32', 4],
  ['INT64', 8],
  ['UINT8', 1],
  ['UINT16', 2],
];

function isOk(r: RespReply): boolean {
  return r.type === 'simple' && r.value === 'OK';
}

/** Seeded bytes that tensors take slices of: every tensor differs, and a run replays. */
const POOL_BYTES = 1 << 20;

async function writer(port: number, rand: () => number, prefix: string, log: (line: LogLine) => void, started: () => void): Promise<void> {
  const conn = await RespSocket.open(port);
  const model = readFileSync(MODEL_FILE);
  const input = readFileSync(INPUT_FILE);
  const models: string[] = [];
  const inputKey = `${prefix}:in`;
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  for (let i = 0; i < POOL_BYTES; i += 4) pool.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
  const bytes = (n: number): Buffer => {
    const at = Math.floor(rand() * (POOL_BYTES - n));
    return Buffer.from(pool.subarray(at, at + n));
  };
  const write = async (line: LogLine, args: (string | Buffer)[]): Promise<boolean> => {
    log(line);
    const r = await conn.call(...args);
    if (!isOk(r)) throw new Error(`${args[0] as string} ${line.key}: ${JSON.stringify(r)}`);
    log({ ...line, event: 'ack' });
    return true;
  };
  await write({ key: inputKey, event: 'intent', kind: 'tensor', digest: tensorDigest('FLOAT', INPUT_SHAPE, input) }, [
    'AI.TENSORSET',
    inputKey,
    'FLOAT',
    ...INPUT_SHAPE,
    'BLOB',
    input,
  ]);
  const first = `${prefix}:m`;
  await write({ key: first, event: 'intent', kind: 'model', digest: blobDigest(model) }, [
    'AI.MODELSET',
    first,
    'ONNX',
    'CPU',
    'BLOB',
    model,
  ]);
  models.push(first);
  started();
  for (let i = 0; ; i++) {
    const pick = rand();
    if (pick < 0.02) {
      const key = `${prefix}:m${i}`;
      await write({ key, event: 'intent', kind: 'model', digest: blobDigest(model) }, ['AI.MODELSET', key, 'ONNX', 'CPU', 'BLOB', model]);
      models.push(key);
    } else if (pick < 0.25) {
      const key = `${prefix}:o${i}`;
      const m = models[Math.floor(rand() * models.length)]!;
      await write({ key, event: 'intent', kind: 'run', model: m, input: inputKey }, ['AI.MODELRUN', m, 'INPUTS', inputKey, 'OUTPUTS', key]);
    } else {
      const key = `${prefix}:t${i}`;
      const [dtype, size] = DTYPES[Math.floor(rand() * DTYPES.length)]!;
      const shape = [1 + Math.floor(rand() * 16), 1 + Math.floor(rand() * (rand() < 0.1 ? 2048 : 64))];
      const blob = bytes(shape[0]! * shape[1]! * size);
      const dims = shape.map(String);
      await write({ key, event: 'intent', kind: 'tensor', digest: tensorDigest(dtype, dims, blob) }, [
        'AI.TENSORSET',
        key,
        dtype,
        ...dims,
        'BLOB',
        blob,
      ]);
    }
  }
}

async function main(): Promise<void> {
  const [port, seed, tag, logFile] = process.argv.slice(2);
  const log = (line: LogLine): void => {
    appendFileSync(logFile!, `${JSON.stringify(line)}\n`);
  };
  let waiting = CONNECTIONS;
  const started = (): void => {
    if (--waiting === 0) process.stdout.write('writing\n');
  };
  const runs = Array.from({ length: CONNECTIONS }, (_, c) =>
    writer(Number(port), random(Number(seed) * 31 + c), `${tag}:c${c}`, log, started),
  );
  // Each writer ends when the server is killed under it; the log is all that matters.
  await Promise.allSettled(runs);
}

void main();
