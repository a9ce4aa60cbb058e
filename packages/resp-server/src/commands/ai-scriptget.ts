import { aiCommand } from '../command-table.js';

/** AI.SCRIPTGET key → [device, source]. */
export const aiScriptget = aiCommand({
  name: 'ai.scriptget',
  arity: 2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  summary: "Returns a script's device and source.",
  handler(ctx, argv) {
    const s = ctx.engine.scriptGet(argv[1]!);
    ctx.reply.array(2);
    ctx.reply.simple(s.device);
    ctx.reply.bulkString(s.source);
  },
});
