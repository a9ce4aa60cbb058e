import { aiCommand } from '../command-table.js';
import { emptyKeyMessage } from '../compat.js';

export const aiModeldel = aiCommand({
  name: 'ai.modeldel',
  arity: 2,
  flags: ['write', 'module'],
  keySpecs: [{ flags: ['RM', 'delete'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  summary: 'Deletes a model.',
  handler(ctx, argv) {
    ctx.engine.modelDel(argv[1]!, emptyKeyMessage(ctx, 'modeldel'));
    ctx.reply.ok();
  },
});
