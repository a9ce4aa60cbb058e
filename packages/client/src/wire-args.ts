import type { CommandParser } from '@redis/client';
import { encodeTensor } from './tensor-codec.js';
import type { Key, ModelSetOptions, ScriptExecuteOptions, TensorInput } from './types.js';

/** Bytes as a Buffer over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `[TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT ms]]]`, where MODELSET and MODELSTORE read them. */
export function pushModelOptions(parser: CommandParser, model: Pick<ModelSetOptions, 'tag' | 'batching'>): void {
  if (model.tag !== undefined) parser.push('TAG', model.tag);
  const b = model.batching;
  if (!b || b.batchSize <= 0) return;
  parser.push('BATCHSIZE', String(b.batchSize));
  const timeout = b.minBatchTimeout ?? 0;
  if ((b.minBatchSize ?? 0) > 0 || timeout > 0) parser.push('MINBATCHSIZE', String(b.minBatchSize ?? 0));
  if (timeout > 0) parser.push('MINBATCHTIMEOUT', String(timeout));
}

/** `WORD n k...`, the items pushed as keys or as plain arguments. */
export function pushCounted(parser: CommandParser, word: string, items: readonly (Key | number)[], asKeys: boolean): void {
  parser.push(word, String(items.length));
  const args = items.map((k) => (typeof k === 'number' ? String(k) : k));
  if (asKeys) parser.pushKeys(args);
  else parser.pushVariadic(args);
}

/** `TIMEOUT ms` when there is one. */
export function pushTimeout(parser: CommandParser, timeout: number | undefined): void {
  if (timeout !== undefined) parser.push('TIMEOUT', String(timeout));
}

/**
 * AI.SCRIPTEXECUTE's arguments after the key: alone, where its tensors are keys, or as a DAG
 * step, where they are tensors of the DAG.
 */
export function pushScriptExecute(parser: CommandParser, fn: string, run: ScriptExecuteOptions, asKeys = true): void {
  parser.push(fn);
  if (run.keys?.length) pushCounted(parser, 'KEYS', run.keys, asKeys);
  if (run.inputs?.length) pushCounted(parser, 'INPUTS', run.inputs, asKeys);
  if (run.args?.length) pushCounted(parser, 'ARGS', run.args, false);
  if (run.outputs?.length) pushCounted(parser, 'OUTPUTS', run.outputs, asKeys);
  pushTimeout(parser, run.timeout);
}

/** `dtype dim... [BLOB data | VALUES v...]`, after AI.TENSORSET's key. */
export function pushTensor(parser: CommandParser, tensor: TensorInput): void {
  const t = encodeTensor(tensor);
  parser.push(t.dtype);
  parser.pushVariadic(t.shape.map(String));
  if (t.blob) parser.push('BLOB', t.blob);
  else if (t.values) {
    parser.push('VALUES');
    parser.pushVariadic([...t.values]);
  }
}
