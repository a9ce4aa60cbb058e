import { isWord } from '../args.js';
import { aiCommand, wrongArity } from '../command-table.js';

/** AI.SCRIPTSET key device source (also the later `SOURCE source` form). */
export const aiScriptset = aiCommand({
  name: 'ai.scriptset',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'device', type: 'string' },
    { name: 'source-token', type: 'pure-token', token: 'SOURCE', optional: true },
    { name: 'source', type: 'string' },
  ],
  summary: 'Stores a TorchScript script for a device.',
  async handler(ctx, argv) {
    let source: Buffer;
    if (argv.length === 4) source = argv[3]!;
    else if (argv.length === 5 && isWord(argv[3], 'SOURCE')) source = argv[4]!;
    else throw wrongArity(ctx.command, argv);
    await ctx.engine.scriptSet(argv[1]!, argv[2]!.toString(), source.toString('utf8'));
    ctx.reply.ok();
  },
});
