import { command } from '../command-table.js';

export const aiScriptdel = command({
  name: 'ai.scriptdel',
  arity: 2,
  flags: ['write', 'module'],
  group: 'module',
  since: '0.9.0',
  firstKey: 1,
  lastKey: 1,
  step: 1,
  summary: 'Deletes a script.',
  handler(ctx, argv) {
    ctx.engine.scriptDel(argv[1]!);
    ctx.reply.ok();
  },
});
