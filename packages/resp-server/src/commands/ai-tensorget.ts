import { oneOfTokens } from '../command-args.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { compatOf, emptyKeyMessage } from '../compat.js';
import { parseTensorFormat, writeTensor } from '../ai/tensor-reply.js';

/**
 * AI.TENSORGET key [META] [BLOB|VALUES]. 0.9's one-word request gets `[dtype, [dims], data]` in
 * 0.9 mode; otherwise 1.2's replies: the data alone, or `dtype d shape [dims] [blob|values data]`.
 */
export const aiTensorget = aiCommand({
  name: 'ai.tensorget',
  arity: -2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'meta', type: 'pure-token', token: 'META', optional: true, since: '1.0.0' },
    oneOfTokens('format', ['BLOB', 'VALUES'], true),
  ],
  summary: "Returns a tensor's dtype and shape, with its data as a BLOB or as VALUES.",
  handler(ctx, argv) {
    if (argv.length > 4) throw wrongArity(ctx.command, argv);
    const tensor = ctx.engine.tensorGet(argv[1]!, emptyKeyMessage(ctx, 'tensorget'));
    const format = parseTensorFormat(argv, 2, compatOf(ctx));
    writeTensor(ctx.reply, tensor, format);
  },
});
