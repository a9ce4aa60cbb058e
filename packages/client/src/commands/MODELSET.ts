import type { CommandParser } from '@redis/client';
import type { Key, ModelSetOptions } from '../types.js';
import type { Command, OkReply } from './command.js';

/**
 * `AI.MODELSET key backend device [INPUTS name...] [OUTPUTS name...] blob`, the blob last and
 * without a BLOB keyword, as RedisAI v0.9 reads it.
 */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, model: ModelSetOptions) {
    parser.push('AI.MODELSET');
    parser.pushKey(key);
    parser.push(model.backend, model.device);
    if (model.inputs?.length) {
      parser.push('INPUTS');
      parser.pushVariadic([...model.inputs]);
    }
    if (model.outputs?.length) {
      parser.push('OUTPUTS');
      parser.pushVariadic([...model.outputs]);
    }
    const { blob } = model;
    parser.push(Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
