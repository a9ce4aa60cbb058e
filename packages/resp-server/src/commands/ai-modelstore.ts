import { parseModelStore } from '../ai/model-args.js';
import { countedArgument, modelHeadArguments } from '../ai/model-arguments.js';
import { aiCommand, wrongArity } from '../command-table.js';

/**
 * AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]
 * [INPUTS n name...] [OUTPUTS n name...] BLOB chunk...: RedisAI 1.2's form, in both modes.
 */
export const aiModelstore = aiCommand({
  name: 'ai.modelstore',
  arity: -6,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  since: '1.2.0',
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    ...modelHeadArguments(),
    countedArgument('inputs', 'INPUTS', 'input', true),
    countedArgument('outputs', 'OUTPUTS', 'output', true),
    { name: 'blob', type: 'string', token: 'BLOB', multiple: true },
  ],
  summary: 'Stores a model (RedisAI 1.2): tag, batching, counted TF node names, and its blob in one or more chunks.',
  waits: true,
  async handler(ctx, argv) {
    if (argv.length < 6) throw wrongArity(ctx.command, argv);
    await ctx.engine.modelSet(argv[1]!, parseModelStore(argv));
    ctx.reply.ok();
  },
});
