import { ReplyError, type BackendName, type BatchingPolicy, type ModelSetArgs, parseBackendName } from '@modelkv/core';
import { isWord, ownBuffer } from '../args.js';
import { ArgCursor } from './arg-cursor.js';

const DEVICE_RE = /^(CPU|GPU)(:\d{1,6})?$/i;

/** The device word, checked as the reference checked it (`CPU`, `GPU`, `CPU:n`, `GPU:n`). */
export function deviceArg(word: Buffer): string {
  const device = word.toString();
  if (!DEVICE_RE.test(device)) throw new ReplyError('Invalid DEVICE');
  return device;
}

function backendArg(word: Buffer): BackendName {
  return parseBackendName(word.toString());
}

interface ModelOptionsArgs {
  readonly tag?: string;
  readonly batching: BatchingPolicy;
}

/** `[TAG tag] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]`, with the reference's errors. */
function parseModelOptions(c: ArgCursor): ModelOptionsArgs {
  let tag: string | undefined;
  if (c.advanceIf('TAG')) {
    const t = c.next();
    if (t === undefined) throw new ReplyError('Insufficient arguments, missing model BLOB');
    tag = t.toString();
  }
  let batchSize = 0;
  let minBatchSize = 0;
  let minBatchTimeoutMs = 0;
  if (c.advanceIf('BATCHSIZE')) {
    const n = c.nextCount();
    if (n === undefined) throw new ReplyError('Invalid argument for BATCHSIZE');
    batchSize = n;
  }
  if (c.advanceIf('MINBATCHSIZE')) {
    const n = c.nextCount();
    if (n === undefined) throw new ReplyError('Invalid argument for MINBATCHSIZE');
    if (batchSize === 0 && n > 0) throw new ReplyError('MINBATCHSIZE specified without BATCHSIZE');
    minBatchSize = n;
  }
  if (c.advanceIf('MINBATCHTIMEOUT')) {
    const n = c.nextCount();
    if (n === undefined) throw new ReplyError('Invalid argument for MINBATCHTIMEOUT');
    if (minBatchSize === 0 && n > 0) throw new ReplyError('MINBATCHTIMEOUT specified without MINBATCHSIZE');
    minBatchTimeoutMs = n;
  }
  return { ...(tag === undefined ? {} : { tag }), batching: { batchSize, minBatchSize, minBatchTimeoutMs } };
}

/** The blob of one argument or of several chunks, joined. */
function joinChunks(chunks: readonly Buffer[]): Buffer {
  return chunks.length === 1 ? ownBuffer(chunks[0]!) : Buffer.concat(chunks);
}

/**
 * `AI.MODELSET key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]
 * [INPUTS name...] [OUTPUTS name...] [BLOB] blob...`: RedisAI 0.9's form (the blob last, the
 * BLOB word optional) with 1.x's options. INPUTS/OUTPUTS names are for TF; other backends accept
 * and ignore them, as 0.9 did. After a BLOB word every argument is a chunk of the blob.
 */
export function parseModelSet(argv: readonly Buffer[]): ModelSetArgs {
  const backend = backendArg(argv[2]!);
  const device = deviceArg(argv[3]!);
  const c = new ArgCursor(argv, 4);
  const options = parseModelOptions(c);
  if (c.atEnd() || (c.remaining() === 1 && isWord(c.peek(), 'BLOB'))) throw new ReplyError('Insufficient arguments, missing model BLOB');
  const blobAt = argv.findIndex((w, i) => i >= c.pos && isWord(w, 'BLOB'));
  const namesEnd = blobAt === -1 ? argv.length - 1 : blobAt;
  const inputs: string[] = [];
  const outputs: string[] = [];
  const names = new ArgCursor(argv, c.pos, namesEnd);
  if (names.advanceIf('INPUTS')) {
    while (!names.atEnd() && !isWord(names.peek(), 'OUTPUTS')) inputs.push(names.next()!.toString());
  }
  if (names.advanceIf('OUTPUTS')) {
    while (!names.atEnd()) outputs.push(names.next()!.toString());
  }
  if (!names.atEnd()) {
    throw new ReplyError(
      names.pos === c.pos ? 'INPUTS not specified' : `unexpected argument '${names.peek()!.toString()}' before the model blob`,
    );
  }
  const chunks = blobAt === -1 ? [argv[argv.length - 1]!] : argv.slice(blobAt + 1);
  if (chunks.length === 0) throw new ReplyError('Insufficient arguments, missing model BLOB');
  if (backend === 'TF' && (inputs.length === 0 || outputs.length === 0)) {
    throw new ReplyError('Insufficient arguments, INPUTS and OUTPUTS not specified');
  }
  const tf = backend === 'TF';
  return { backend, device, ...options, inputs: tf ? inputs : [], outputs: tf ? outputs : [], blob: joinChunks(chunks) };
}

/** `INPUTS n name...` or `OUTPUTS n name...` of AI.MODELSTORE, for TF. */
function countedNames(c: ArgCursor, what: 'inputs' | 'outputs'): string[] {
  const word = what.toUpperCase();
  if (!c.advanceIf(word)) throw new ReplyError(`${word} not specified for TF`);
  const n = c.nextCount();
  if (n === undefined || n === 0) throw new ReplyError(`Invalid argument for ${what === 'inputs' ? 'input' : 'output'}_count`);
  if (c.remaining() < n) throw new ReplyError(`number of model ${what} does not match the number of given arguments`);
  return c.take(n).map((b) => b.toString());
}

/**
 * `AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]
 * [INPUTS n name...] [OUTPUTS n name...] BLOB chunk...`, read as RedisAI 1.2 reads it, with its
 * error words: the names and their counts are required for TF and refused for other backends.
 */
export function parseModelStore(argv: readonly Buffer[]): ModelSetArgs {
  const backend = backendArg(argv[2]!);
  const device = deviceArg(argv[3]!);
  const c = new ArgCursor(argv, 4);
  const options = parseModelOptions(c);
  if (c.atEnd()) throw new ReplyError('Insufficient arguments, missing model BLOB');
  let inputs: string[] = [];
  let outputs: string[] = [];
  if (backend === 'TF') {
    inputs = countedNames(c, 'inputs');
    outputs = countedNames(c, 'outputs');
  } else if (isWord(c.peek(), 'INPUTS')) {
    throw new ReplyError('INPUTS argument should not be specified for this backend');
  }
  if (!c.advanceIf('BLOB')) throw new ReplyError('Invalid argument, expected BLOB');
  if (c.atEnd()) throw new ReplyError('Insufficient arguments, missing model BLOB');
  return { backend, device, ...options, inputs, outputs, blob: joinChunks(c.take(c.remaining())) };
}
