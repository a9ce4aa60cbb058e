import { ReplyError, DTYPES, type DType, Tensor, parseDType, parseShape } from '@modelkv/core';
import { isWord, ownBuffer } from '../args.js';
import { aiCommand } from '../command-table.js';

/** The dtype word, any case, matched on its bytes; core words the error for a bad one. */
function dtypeArg(word: Buffer): DType {
  for (const d of DTYPES) if (isWord(word, d)) return d;
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
 * AI.TENSORSET key dtype dim... [BLOB data | VALUES v...]. Neither BLOB nor VALUES: zero-filled.
 * A large BLOB is stored as the parser received it, without a copy.
 */
export const aiTensorset = aiCommand({
  name: 'ai.tensorset',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'type', type: 'string' },
    { name: 'shape', type: 'integer', multiple: true },
    {
      name: 'data',
      type: 'oneof',
      optional: true,
      arguments: [
        { name: 'blob', type: 'string', token: 'BLOB' },
        { name: 'values', type: 'string', token: 'VALUES', multiple: true },
      ],
    },
  ],
  summary: 'Stores a tensor: dtype, shape, and BLOB data or VALUES (zero-filled without either).',
  handler(ctx, argv) {
    const dtype = dtypeArg(argv[2]!);
    let i = 3;
    while (i < argv.length && !isWord(argv[i], 'BLOB') && !isWord(argv[i], 'VALUES')) i++;
    const shape = shapeArgs(argv, 3, i);
    const max = ctx.engine.maxTensorBytes;
    let tensor: Tensor;
    if (i === argv.length) {
      tensor = Tensor.zeros(dtype, shape, max);
    } else if (isWord(argv[i], 'BLOB')) {
      if (argv.length !== i + 2) throw new ReplyError('BLOB takes exactly one argument: the tensor data');
      tensor = Tensor.fromBlob(dtype, shape, ownBuffer(argv[i + 1]!), max);
    } else {
      const words: string[] = new Array<string>(argv.length - i - 1);
      for (let j = i + 1; j < argv.length; j++) words[j - i - 1] = argv[j]!.toString();
      tensor = Tensor.fromValues(dtype, shape, words, max);
    }
    ctx.engine.tensorSet(argv[1]!, tensor);
    ctx.reply.ok();
  },
});
