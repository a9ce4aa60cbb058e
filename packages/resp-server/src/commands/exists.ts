import { command } from '../command-table.js';

export const exists = command({
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  group: 'generic',
  keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -1 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  summary: 'Determines whether one or more keys exist (a key given twice counts twice).',
  handler(ctx, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (ctx.engine.exists(argv[i]!)) n++;
    ctx.reply.integer(n);
  },
});
