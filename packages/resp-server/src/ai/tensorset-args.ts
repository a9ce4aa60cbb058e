import { ReplyError, DTYPES, type DType, Tensor, elementCount, parseDType, parseShape } from '@modelkv/core';
import { isWord, ownBuffer } from '../args.js';
import type { ArityError } from './arity.js';
import type { Compat } from '../compat.js';

/** The dtype matched last: clients tend to send one dtype again and again. */
let lastDType: DType = 'FLOAT';

/** The dtype word, any case, matched on its bytes; core words the error for a bad one. */
function dtypeArg(word: Buffer): DType {
  if (isWord(word, lastDType)) return lastDType;
  for (const d of DTYPES) {
    if (isWord(word, d)) {
      lastDType = d;
      return d;
    }
  }
  return parseDType(word.toString());
}

/** Dimensions from argv[from, to): plain digits are read in place, anything else goes to core for its error. */
function shapeArgs(argv: readonly Buffer[], from: number, to: number): number[] {
  const shape: number[] = new Array<number>(to - from);
  for (let i = from; i < to; i++) {
    const w = argv[i]!;
    let v = 0;
    let ok = w.length > 0 && w.length <= 15;
    for (let j = 0; ok && j < w.length; j++) {
      const c = w[j]!;
      if (c < 0x30 || c > 0x39) ok = false;
      else v = v * 10 + (c - 0x30);
    }
    if (!ok) return parseShape(argv.slice(from, to).map((b) => b.toString()));
    shape[i - from] = v;
  }
  return shape;
}

/**
 * The tensor of `AI.TENSORSET key dtype dim... [BLOB data | VALUES v...]` (argv[0] is the command
 * name, inside a DAG too). Neither BLOB nor VALUES: zero-filled. A large BLOB is kept as the
 * parser received it, without a copy. A wrong count of data arguments is an arity error in 0.9,
 * and gets 1.2's own words in 1.2 mode.
 */
export function parseTensorSet(argv: readonly Buffer[], compat: Compat, maxBytes: number, arity: ArityError): Tensor {
  if (argv.length < 4) throw arity();
  const dtype = dtypeArg(argv[2]!);
  let i = 3;
  while (i < argv.length && !isWord(argv[i], 'BLOB') && !isWord(argv[i], 'VALUES')) i++;
  const shape = shapeArgs(argv, 3, i);
  if (i === argv.length) return Tensor.zeros(dtype, shape, maxBytes);
  const given = argv.length - i - 1;
  if (isWord(argv[i], 'BLOB')) {
    if (given !== 1) {
      if (compat === '0.9') throw arity();
      throw new ReplyError("a single binary string should come after the BLOB argument in 'AI.TENSORSET' command");
    }
    return Tensor.fromBlob(dtype, shape, ownBuffer(argv[i + 1]!), maxBytes);
  }
  if (given !== elementCount(shape)) {
    if (compat === '0.9') throw arity();
    throw new ReplyError("wrong number of values was given in 'AI.TENSORSET' command");
  }
  const words: string[] = new Array<string>(given);
  for (let j = i + 1; j < argv.length; j++) words[j - i - 1] = argv[j]!.toString();
  return Tensor.fromValues(dtype, shape, words, maxBytes);
}
