import { ReplyError, type ModelInfo } from '@modelkv/core';
import { isWord } from '../args.js';
import type { RespWriter } from '../resp-writer.js';

/** What AI.MODELGET answers with. */
export interface ModelGetFormat {
  readonly meta: boolean;
  readonly blob: boolean;
}

/** `[META] [BLOB]`; neither means both, as in RedisAI 1.2. */
export function parseModelGetFormat(words: readonly Buffer[]): ModelGetFormat {
  let meta = false;
  let blob = false;
  for (const w of words) {
    if (isWord(w, 'META')) meta = true;
    else if (isWord(w, 'BLOB')) blob = true;
    else throw new ReplyError(`unsupported argument '${w.toString()}': expected META or BLOB`);
  }
  return meta || blob ? { meta, blob } : { meta: true, blob: true };
}

/** RedisAI 0.9's reply: `[backend, device, blob]`. */
export function writeModelLegacy(r: RespWriter, m: ModelInfo): void {
  r.array(3);
  r.simple(m.backend);
  r.simple(m.device);
  r.bulk(m.blob);
}

/**
 * RedisAI 1.2's reply: the blob alone (BLOB), or `backend b device d tag t batchsize n
 * minbatchsize n inputs [..] outputs [..] minbatchtimeout n [blob b]`. A blob longer than
 * `chunkSize` goes as an array of chunks, which concatenate to the model.
 */
export function writeModel(r: RespWriter, m: ModelInfo, format: ModelGetFormat, chunkSize: number): void {
  if (!format.meta) {
    writeChunks(r, m.blob, chunkSize);
    return;
  }
  r.array(format.blob ? 18 : 16);
  r.bulkString('backend');
  r.bulkString(m.backend);
  r.bulkString('device');
  r.bulkString(m.device);
  r.bulkString('tag');
  r.bulkString(m.tag);
  r.bulkString('batchsize');
  r.integer(m.batching.batchSize);
  r.bulkString('minbatchsize');
  r.integer(m.batching.minBatchSize);
  r.bulkString('inputs');
  writeNames(r, m.inputs);
  r.bulkString('outputs');
  writeNames(r, m.outputs);
  r.bulkString('minbatchtimeout');
  r.integer(m.batching.minBatchTimeoutMs);
  if (format.blob) {
    r.bulkString('blob');
    writeChunks(r, m.blob, chunkSize);
  }
}

function writeNames(r: RespWriter, names: readonly string[]): void {
  r.array(names.length);
  for (const n of names) r.bulkString(n);
}

function writeChunks(r: RespWriter, blob: Buffer, chunkSize: number): void {
  if (blob.length <= chunkSize) {
    r.bulk(blob);
    return;
  }
  const n = Math.ceil(blob.length / chunkSize);
  r.array(n);
  for (let i = 0; i < n; i++) r.bulk(blob.subarray(i * chunkSize, Math.min(blob.length, (i + 1) * chunkSize)));
}
