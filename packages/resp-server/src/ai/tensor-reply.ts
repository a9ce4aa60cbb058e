import { ReplyError, type DType, type Tensor, readElement } from '@modelkv/core';
import { isWord } from '../args.js';
import { namedArity } from './arity.js';
import type { Compat } from '../compat.js';
import type { RespWriter } from '../resp-writer.js';

/** What AI.TENSORGET answers with, from its format words. */
export interface TensorFormat {
  readonly meta: boolean;
  readonly data: 'BLOB' | 'VALUES' | null;
  /** RedisAI 0.9's shape: `[dtype, [dims]]` plus the data, no field names. */
  readonly legacy: boolean;
}

/** Every format, made once: index `meta | legacy << 1 | data << 2` (data: 0 none, 1 BLOB, 2 VALUES). */
const FORMATS: readonly TensorFormat[] = Array.from({ length: 12 }, (_, i) => ({
  meta: (i & 1) !== 0,
  legacy: (i & 2) !== 0,
  data: ([null, 'BLOB', 'VALUES'] as const)[i >> 2]!,
}));

/**
 * Reads AI.TENSORGET's format words, `argv[from]` on (what follows the key). One word is 0.9's
 * request and gets 0.9's shape in 0.9 mode; none (META BLOB) or two (META with a format) exist in
 * 1.2 only, and get its shape in both modes.
 */
export function parseTensorFormat(argv: readonly Buffer[], from: number, compat: Compat): TensorFormat {
  const words = argv.length - from;
  if (words > 2) throw namedArity('AI.TENSORGET');
  if (words <= 0) return FORMATS[1 | (1 << 2)]!;
  let meta = 0;
  let blob = false;
  let values = false;
  for (let i = from; i < argv.length; i++) {
    const w = argv[i];
    if (isWord(w, 'META')) meta = 1;
    else if (isWord(w, 'BLOB')) blob = true;
    else if (isWord(w, 'VALUES')) values = true;
    else throw new ReplyError('unsupported data format');
  }
  if (blob && values) throw new ReplyError('both BLOB and VALUES specified');
  const data = blob ? 1 : values ? 2 : 0;
  const legacy = compat === '0.9' && words === 1 ? 2 : 0;
  return FORMATS[meta | legacy | (data << 2)]!;
}

/** Writes a tensor as AI.TENSORGET answers in the given format. */
export function writeTensor(r: RespWriter, tensor: Tensor, format: TensorFormat): void {
  if (format.legacy) {
    r.array(format.data ? 3 : 2);
    r.simple(tensor.dtype);
    writeShape(r, tensor);
    writeData(r, tensor, format.data);
    return;
  }
  if (!format.meta) {
    writeData(r, tensor, format.data);
    return;
  }
  r.array(format.data ? 6 : 4);
  r.bulkString('dtype');
  r.bulkString(tensor.dtype);
  r.bulkString('shape');
  writeShape(r, tensor);
  if (format.data) {
    r.bulkString(format.data === 'BLOB' ? 'blob' : 'values');
    writeData(r, tensor, format.data);
  }
}

function writeShape(r: RespWriter, tensor: Tensor): void {
  r.array(tensor.shape.length);
  for (const d of tensor.shape) r.integer(d);
}

function writeData(r: RespWriter, tensor: Tensor, data: TensorFormat['data']): void {
  if (data === 'BLOB') r.bulk(tensor.data);
  else if (data === 'VALUES') writeValues(r, tensor);
}

/** STRING elements are NUL-terminated in the data: each is sent as its raw bytes. */
function writeStringValues(r: RespWriter, tensor: Tensor): void {
  const data = tensor.data;
  r.array(tensor.length);
  let start = 0;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- counts the elements; a Tensor is not iterable and i is not an index into it
  for (let i = 0; i < tensor.length; i++) {
    const end = data.indexOf(0, start);
    r.bulk(data.subarray(start, end));
    start = end + 1;
  }
}

/** Integers (INT64 too, and BOOL) as RESP integers; floats as doubles. */
function writeValues(r: RespWriter, tensor: Tensor): void {
  const dtype: DType = tensor.dtype;
  if (dtype === 'STRING') {
    writeStringValues(r, tensor);
    return;
  }
  const n = tensor.length;
  const data = tensor.data;
  r.array(n);
  if (dtype === 'FLOAT' || dtype === 'DOUBLE') {
    for (let i = 0; i < n; i++) r.double(readElement(dtype, data, i) as number);
  } else {
    for (let i = 0; i < n; i++) r.integer(readElement(dtype, data, i));
  }
}
