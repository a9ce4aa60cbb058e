import { parseTensorSet } from '../ai/tensorset-args.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { compatOf } from '../compat.js';

/** AI.TENSORSET key dtype dim... [BLOB data | VALUES v...]. Neither BLOB nor VALUES: zero-filled. */
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
    const tensor = parseTensorSet(argv, compatOf(ctx), ctx.engine.maxTensorBytes, () => wrongArity(ctx.command, argv));
    ctx.engine.tensorSet(argv[1]!, tensor);
    ctx.reply.ok();
  },
});
