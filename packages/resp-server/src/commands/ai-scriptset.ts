import { parseScriptSet } from '../ai/script-args.js';
import { aiCommand, wrongArity } from '../command-table.js';

/** AI.SCRIPTSET key device [TAG tag] [SOURCE] source: 0.9's form and 1.x's. */
export const aiScriptset = aiCommand({
  name: 'ai.scriptset',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'device', type: 'string' },
    { name: 'tag', type: 'string', token: 'TAG', optional: true, since: '1.0.0' },
    { name: 'source-token', type: 'pure-token', token: 'SOURCE', optional: true },
    { name: 'source', type: 'string' },
  ],
  summary: 'Stores a TorchScript script for a device.',
  waits: true,
  async handler(ctx, argv) {
    await ctx.engine.scriptSet(
      argv[1]!,
      parseScriptSet(argv, () => wrongArity(ctx.command, argv)),
    );
    ctx.reply.ok();
  },
});
