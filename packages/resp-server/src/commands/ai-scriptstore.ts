import { countedArgument } from '../ai/model-arguments.js';
import { parseScriptStore } from '../ai/script-args.js';
import { aiCommand, wrongArity } from '../command-table.js';

/** AI.SCRIPTSTORE key device [TAG tag] ENTRY_POINTS n fn... SOURCE source (RedisAI 1.2). */
export const aiScriptstore = aiCommand({
  name: 'ai.scriptstore',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  since: '1.2.0',
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'device', type: 'string' },
    { name: 'tag', type: 'string', token: 'TAG', optional: true },
    countedArgument('entry-points', 'ENTRY_POINTS', 'entry-point', false),
    { name: 'source', type: 'string', token: 'SOURCE' },
  ],
  summary: 'Stores a TorchScript script with its entry points (RedisAI 1.2).',
  waits: true,
  async handler(ctx, argv) {
    await ctx.engine.scriptSet(
      argv[1]!,
      parseScriptStore(argv, () => wrongArity(ctx.command, argv)),
    );
    ctx.reply.ok();
  },
});
