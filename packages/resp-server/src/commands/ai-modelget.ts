import { aiCommand } from '../command-table.js';

/** AI.MODELGET key → [backend, device, blob]. */
export const aiModelget = aiCommand({
  name: 'ai.modelget',
  arity: 2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  summary: "Returns a model's backend, device and blob.",
  handler(ctx, argv) {
    const m = ctx.engine.modelGet(argv[1]!);
    ctx.reply.array(3);
    ctx.reply.simple(m.backend);
    ctx.reply.simple(m.device);
    ctx.reply.bulk(m.blob);
  },
});
