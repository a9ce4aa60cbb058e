import { ReplyError, type DType, type Tensor, readElement } from '@modelkv/core';
import { isWord } from '../args.js';
import { oneOfTokens } from '../command-args.js';
import { aiCommand } from '../command-table.js';
import type { RespWriter } from '../resp-writer.js';

type Format = 'META' | 'BLOB' | 'VALUES';

function parseFormat(word: Buffer): Format {
  if (isWord(word, 'BLOB')) return 'BLOB';
  if (isWord(word, 'VALUES')) return 'VALUES';
  if (isWord(word, 'META')) return 'META';
  throw new ReplyError(`unknown tensor format '${word.toString()}': expected BLOB, VALUES or META`);
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

/** AI.TENSORGET key BLOB|VALUES|META: `[dtype, [dims]]` plus the blob or the values (v0.9 shapes). */
export const aiTensorget = aiCommand({
  name: 'ai.tensorget',
  arity: 3,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, oneOfTokens('format', ['BLOB', 'VALUES', 'META'])],
  summary: "Returns a tensor's dtype and shape, with its data as a BLOB or as VALUES.",
  handler(ctx, argv) {
    const tensor = ctx.engine.tensorGet(argv[1]!);
    const format = parseFormat(argv[2]!);
    const r = ctx.reply;
    r.array(format === 'META' ? 2 : 3);
    r.simple(tensor.dtype);
    r.array(tensor.shape.length);
    for (const d of tensor.shape) r.integer(d);
    if (format === 'BLOB') r.bulk(tensor.data);
    else if (format === 'VALUES') writeValues(r, tensor);
  },
});
