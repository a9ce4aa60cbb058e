import type { CommandParser } from '@redis/client';
import type { Key, ModelSetOptions } from '../types.js';
import { asBuffer, pushModelOptions } from '../wire-args.js';
import type { Command, OkReply } from './command.js';

/**
 * `AI.MODELSET key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m [MINBATCHTIMEOUT ms]]]
 * [INPUTS name...] [OUTPUTS name...] blob`: the blob last and without a BLOB keyword, as RedisAI
 * v0.9 reads it (TAG and the batching options only when given).
 */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, model: ModelSetOptions) {
    parser.push('AI.MODELSET');
    parser.pushKey(key);
    parser.push(model.backend, model.device);
    pushModelOptions(parser, model);
    if (model.inputs?.length) {
      parser.push('INPUTS');
      parser.pushVariadic([...model.inputs]);
    }
    if (model.outputs?.length) {
      parser.push('OUTPUTS');
      parser.pushVariadic([...model.outputs]);
    }
    parser.push(asBuffer(model.blob));
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
