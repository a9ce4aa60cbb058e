import { aiCommand } from '../command-table.js';
import { emptyKeyMessage } from '../compat.js';

export const aiScriptdel = aiCommand({
  name: 'ai.scriptdel',
  arity: 2,
  flags: ['write', 'module'],
  keySpecs: [{ flags: ['RM', 'delete'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  summary: 'Deletes a script.',
  handler(ctx, argv) {
    ctx.engine.scriptDel(argv[1]!, emptyKeyMessage(ctx, 'scriptdel'));
    ctx.reply.ok();
  },
});
