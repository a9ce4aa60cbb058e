import { aiCommand } from '../command-table.js';

export const aiScriptdel = aiCommand({
  name: 'ai.scriptdel',
  arity: 2,
  flags: ['write', 'module'],
  summary: 'Deletes a script.',
  handler(ctx, argv) {
    ctx.engine.scriptDel(argv[1]!);
    ctx.reply.ok();
  },
});
