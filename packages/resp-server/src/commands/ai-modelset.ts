import { BACKEND_NAMES, ReplyError, parseBackendName } from '@modelkv/core';
import { isWord, ownBuffer } from '../args.js';
import { oneOfTokens } from '../command-args.js';
import { aiCommand } from '../command-table.js';

/**
 * AI.MODELSET key backend device [INPUTS name...] [OUTPUTS name...] [BLOB] blob.
 * The blob is always the last argument; the BLOB word before it is optional.
 */
export const aiModelset = aiCommand({
  name: 'ai.modelset',
  arity: -5,
  flags: ['write', 'denyoom', 'module'],
  dangerous: true,
  keySpecs: [{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    oneOfTokens('backend', BACKEND_NAMES),
    { name: 'device', type: 'string' },
    { name: 'inputs', type: 'string', token: 'INPUTS', optional: true, multiple: true },
    { name: 'outputs', type: 'string', token: 'OUTPUTS', optional: true, multiple: true },
    { name: 'blob-token', type: 'pure-token', token: 'BLOB', optional: true },
    { name: 'blob', type: 'string' },
  ],
  summary: 'Stores a model for a backend (TF, TORCH, ONNX) on a device; the blob comes last.',
  async handler(ctx, argv) {
    const backend = parseBackendName(argv[2]!.toString());
    const device = argv[3]!.toString();
    const last = argv.length - 1;
    if (last === 4 && isWord(argv[4], 'BLOB')) throw new ReplyError('Insufficient arguments, missing model BLOB');
    const inputs: string[] = [];
    const outputs: string[] = [];
    let i = 4;
    if (isWord(argv[i], 'INPUTS') && i < last) {
      for (i++; i < last && !isWord(argv[i], 'OUTPUTS') && !isWord(argv[i], 'BLOB'); i++) inputs.push(argv[i]!.toString());
    }
    if (isWord(argv[i], 'OUTPUTS') && i < last) {
      for (i++; i < last && !isWord(argv[i], 'BLOB'); i++) outputs.push(argv[i]!.toString());
    }
    if (i < last && isWord(argv[i], 'BLOB')) i++;
    if (i !== last) throw new ReplyError(`unexpected argument '${argv[i]!.toString()}' before the model blob`);
    await ctx.engine.modelSet(argv[1]!, { backend, device, inputs, outputs, blob: ownBuffer(argv[last]!) });
    ctx.reply.ok();
  },
});
