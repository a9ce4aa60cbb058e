import {
  ReplyError,
  type ModelSetArgs,
  type ScriptSetArgs,
  type StoreChange,
  type StoredValue,
  Tensor,
  type ValueRecord,
  parseBackendName,
  parseDType,
  parseShape,
  recordOf,
} from '@modelkv/core';
import type { Arg } from './frame-buffer.js';

/**
 * The commands the append-only file holds: every change to the keyspace written as the command
 * a client would send to make it, so that the file replays into any server that speaks them.
 * A tensor is `AI.TENSORSET key dtype dims... BLOB data`, whatever command or run stored it.
 */
export function valueCommand(key: string, value: StoredValue): Arg[] {
  return recordCommand(key, recordOf(value));
}

export function recordCommand(key: string, record: ValueRecord): Arg[] {
  switch (record.kind) {
    case 'tensor': {
      const t = record.tensor;
      return ['AI.TENSORSET', key, t.dtype, ...t.shape.map(String), 'BLOB', t.data];
    }
    case 'model': {
      const m = record.model;
      const args: Arg[] = ['AI.MODELSET', key, m.backend, m.device];
      if (m.tag) args.push('TAG', utf8(m.tag));
      const b = m.batching;
      if (b && b.batchSize > 0) {
        args.push('BATCHSIZE', String(b.batchSize));
        if (b.minBatchSize > 0) args.push('MINBATCHSIZE', String(b.minBatchSize));
        if (b.minBatchTimeoutMs > 0) args.push('MINBATCHTIMEOUT', String(b.minBatchTimeoutMs));
      }
      const inputs = m.inputs ?? [];
      const outputs = m.outputs ?? [];
      if (inputs.length > 0) args.push('INPUTS', ...inputs.map(utf8));
      if (outputs.length > 0) args.push('OUTPUTS', ...outputs.map(utf8));
      args.push('BLOB', m.blob);
      return args;
    }
    case 'script':
      return scriptCommand(key, record.script);
  }
}

/**
 * A script as AI.SCRIPTSET (0.9's form when it has no tag, so that older loaders read it), or
 * AI.SCRIPTSTORE when it has entry points.
 */
function scriptCommand(key: string, s: ScriptSetArgs): Arg[] {
  const entryPoints = s.entryPoints ?? [];
  const tag: Arg[] = s.tag ? ['TAG', utf8(s.tag)] : [];
  if (entryPoints.length > 0) {
    return [
      'AI.SCRIPTSTORE',
      key,
      s.device,
      ...tag,
      'ENTRY_POINTS',
      String(entryPoints.length),
      ...entryPoints.map(utf8),
      'SOURCE',
      utf8(s.source),
    ];
  }
  if (tag.length > 0) return ['AI.SCRIPTSET', key, s.device, ...tag, 'SOURCE', utf8(s.source)];
  return ['AI.SCRIPTSET', key, s.device, utf8(s.source)];
}

/** The command for a change other than a group boundary (those are MULTI / EXEC, written lazily). */
export function changeCommand(change: Exclude<StoreChange, { type: 'begin' } | { type: 'end' }>): Arg[] {
  switch (change.type) {
    case 'set':
      return valueCommand(change.key, change.value);
    case 'delete':
      return ['DEL', change.key];
    case 'flush':
      return ['FLUSHALL'];
  }
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** What one command read back from the file does. */
export type AofOperation =
  | { readonly op: 'set'; readonly key: string; readonly record: ValueRecord }
  | { readonly op: 'delete'; readonly keys: readonly string[] }
  | { readonly op: 'flush' }
  | { readonly op: 'multi' }
  | { readonly op: 'exec' }
  | { readonly op: 'none' };

/**
 * Reads a command of the file back. Besides what this server writes it takes the other forms
 * clients use for the same changes (VALUES tensors, MODELSET without BLOB, UNLINK, FLUSHDB,
 * AI.MODELDEL, SELECT 0), so a file written by hand or by another tool replays too. Anything
 * else is an ReplyError saying what is wrong.
 */
export function parseAofCommand(argv: readonly Buffer[], maxTensorBytes: number): AofOperation {
  const name = argv[0]!.toString('latin1').toUpperCase();
  const key = (i: number): string => argv[i]!.toString('latin1');
  const need = (min: number): void => {
    if (argv.length < min) throw new ReplyError(`wrong number of arguments for '${name}'`);
  };
  switch (name) {
    case 'AI.TENSORSET':
      need(3);
      return { op: 'set', key: key(1), record: parseTensor(argv, maxTensorBytes) };
    case 'AI.MODELSET':
      need(5);
      return { op: 'set', key: key(1), record: { kind: 'model', model: parseModel(argv) } };
    case 'AI.SCRIPTSET':
    case 'AI.SCRIPTSTORE':
      need(4);
      return { op: 'set', key: key(1), record: { kind: 'script', script: parseScript(argv, name === 'AI.SCRIPTSTORE') } };
    case 'DEL':
    case 'UNLINK':
    case 'AI.MODELDEL':
    case 'AI.SCRIPTDEL':
      need(2);
      return { op: 'delete', keys: argv.slice(1).map((a) => a.toString('latin1')) };
    case 'FLUSHALL':
    case 'FLUSHDB':
      return { op: 'flush' };
    case 'MULTI':
      return { op: 'multi' };
    case 'EXEC':
      return { op: 'exec' };
    case 'SELECT':
      if (argv.length !== 2 || argv[1]!.toString() !== '0') throw new ReplyError('only database 0 exists');
      return { op: 'none' };
    default:
      throw new ReplyError(`unknown command '${argv[0]!.toString('latin1').slice(0, 64)}'`);
  }
}

function isWord(buf: Buffer | undefined, word: string): boolean {
  return buf?.length === word.length && buf.toString('latin1').toUpperCase() === word;
}

function parseTensor(argv: readonly Buffer[], maxBytes: number): Tensor {
  const dtype = parseDType(argv[2]!.toString());
  let i = 3;
  while (i < argv.length && !isWord(argv[i], 'BLOB') && !isWord(argv[i], 'VALUES')) i++;
  const shape = parseShape(argv.slice(3, i).map((b) => b.toString()));
  if (i === argv.length) return Tensor.zeros(dtype, shape, maxBytes);
  if (isWord(argv[i], 'BLOB')) {
    if (argv.length !== i + 2) throw new ReplyError('BLOB takes exactly one argument');
    return Tensor.fromBlob(dtype, shape, argv[i + 1]!, maxBytes);
  }
  return Tensor.fromValues(
    dtype,
    shape,
    argv.slice(i + 1).map((b) => b.toString()),
    maxBytes,
  );
}

function parseModel(argv: readonly Buffer[]): ModelSetArgs {
  const backend = parseBackendName(argv[2]!.toString());
  const device = argv[3]!.toString().toUpperCase();
  const last = argv.length - 1;
  const inputs: string[] = [];
  const outputs: string[] = [];
  let i = 4;
  let tag = '';
  if (isWord(argv[i], 'TAG') && i + 1 < last) {
    tag = argv[i + 1]!.toString('utf8');
    i += 2;
  }
  const batching = { batchSize: 0, minBatchSize: 0, minBatchTimeoutMs: 0 };
  for (const [word, field] of [
    ['BATCHSIZE', 'batchSize'],
    ['MINBATCHSIZE', 'minBatchSize'],
    ['MINBATCHTIMEOUT', 'minBatchTimeoutMs'],
  ] as const) {
    if (isWord(argv[i], word) && i + 1 < last) {
      batching[field] = wholeNumber(argv[i + 1]!, word);
      i += 2;
    }
  }
  if (isWord(argv[i], 'INPUTS') && i < last) {
    for (i++; i < last && !isWord(argv[i], 'OUTPUTS') && !isWord(argv[i], 'BLOB'); i++) inputs.push(argv[i]!.toString());
  }
  if (isWord(argv[i], 'OUTPUTS') && i < last) {
    for (i++; i < last && !isWord(argv[i], 'BLOB'); i++) outputs.push(argv[i]!.toString());
  }
  if (i < last && isWord(argv[i], 'BLOB')) i++;
  if (i !== last) throw new ReplyError(`unexpected argument '${argv[i]!.toString().slice(0, 64)}' before the model blob`);
  return { backend, device, tag, batching, inputs, outputs, blob: argv[last]! };
}

function wholeNumber(arg: Buffer, what: string): number {
  const text = arg.toString();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ReplyError(`${what} expects a whole number, got '${text.slice(0, 32)}'`);
  return n;
}

/**
 * `AI.SCRIPTSET key device [TAG t] [SOURCE] source` or
 * `AI.SCRIPTSTORE key device [TAG t] ENTRY_POINTS n fn... SOURCE source`.
 */
function parseScript(argv: readonly Buffer[], store: boolean): ScriptSetArgs {
  const device = argv[2]!.toString().toUpperCase();
  const last = argv.length - 1;
  let i = 3;
  let tag = '';
  if (isWord(argv[i], 'TAG') && i + 1 < last) {
    tag = argv[i + 1]!.toString('utf8');
    i += 2;
  }
  const entryPoints: string[] = [];
  if (store) {
    if (!isWord(argv[i], 'ENTRY_POINTS') || i + 1 >= last) throw new ReplyError('AI.SCRIPTSTORE needs ENTRY_POINTS');
    const n = wholeNumber(argv[i + 1]!, 'ENTRY_POINTS');
    i += 2;
    if (n === 0 || i + n > last) throw new ReplyError('ENTRY_POINTS count does not match the functions given');
    for (let j = 0; j < n; j++) entryPoints.push(argv[i + j]!.toString('utf8'));
    i += n;
  }
  if (isWord(argv[i], 'SOURCE') && i < last) i++;
  else if (store) throw new ReplyError('AI.SCRIPTSTORE needs SOURCE before the source');
  if (i !== last) throw new ReplyError(`unexpected argument '${argv[i]!.toString().slice(0, 64)}' before the script source`);
  return { device, tag, entryPoints, source: argv[last]!.toString('utf8') };
}
