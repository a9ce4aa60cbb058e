import type { CommandParser } from '@redis/client';
import type { Key, ModelStoreOptions } from '../types.js';
import { asBuffer, pushCounted, pushModelOptions } from '../wire-args.js';
import type { Command, OkReply } from './command.js';

/**
 * `AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT ms]]]
 * [INPUTS n name...] [OUTPUTS n name...] BLOB chunk...` (RedisAI 1.2): node names counted, the
 * blob whole or in chunks.
 */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, model: ModelStoreOptions) {
    parser.push('AI.MODELSTORE');
    parser.pushKey(key);
    parser.push(model.backend, model.device);
    pushModelOptions(parser, model);
    if (model.inputs?.length) pushCounted(parser, 'INPUTS', model.inputs, false);
    if (model.outputs?.length) pushCounted(parser, 'OUTPUTS', model.outputs, false);
    parser.push('BLOB');
    const chunks = model.blob instanceof Uint8Array ? [model.blob] : model.blob;
    for (const chunk of chunks) parser.push(asBuffer(chunk));
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
