import { command } from '../command-table.js';

export const type = command({
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  group: 'generic',
  keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  summary: 'Determines the type of value stored at a key (AI_TENSOR, AI__MODEL, AI_SCRIPT).',
  handler: (ctx, argv) => {
    ctx.reply.simple(ctx.engine.type(argv[1]!));
  },
});
