import { parseModelSet } from '../ai/model-args.js';
import { modelHeadArguments } from '../ai/model-arguments.js';
import { aiCommand } from '../command-table.js';

/**
 * AI.MODELSET key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT t]]]
 * [INPUTS name...] [OUTPUTS name...] [BLOB] blob: 0.9's form, the blob last.
 */
export const aiModelset = aiCommand({
  name: 'ai.modelset',
  arity: -5,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    ...modelHeadArguments('1.0.0'),
    { name: 'inputs', type: 'string', token: 'INPUTS', optional: true, multiple: true },
    { name: 'outputs', type: 'string', token: 'OUTPUTS', optional: true, multiple: true },
    { name: 'blob-token', type: 'pure-token', token: 'BLOB', optional: true },
    { name: 'blob', type: 'string' },
  ],
  summary: 'Stores a model for a backend (TF, TORCH, ONNX) on a device; the blob comes last.',
  waits: true,
  async handler(ctx, argv) {
    await ctx.engine.modelSet(argv[1]!, parseModelSet(argv));
    ctx.reply.ok();
  },
});
