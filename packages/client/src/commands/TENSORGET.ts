import type { CommandParser } from '@redis/client';
import { decodeTensorReply } from '../tensor-reply.js';
import type { BlobTensor, Key, RedisAIVersion, TensorFormat, TensorMeta, ValuesTensor } from '../types.js';
import type { Command } from './command.js';

/**
 * `AI.TENSORGET key BLOB|VALUES|META` (v0.9's form) or `AI.TENSORGET key META [BLOB|VALUES]`
 * (1.x's, which a 1.x server needs to send the dtype and shape with the data). Either reply shape
 * becomes `{ dtype, shape }` plus the data.
 */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key, format: TensorFormat = 'BLOB', version: RedisAIVersion = '0.9') {
    parser.push('AI.TENSORGET');
    parser.pushKey(key);
    if (version === '1.2') parser.push('META');
    if (version === '0.9' || format !== 'META') parser.push(format);
    parser.preserve = format;
  },
  transformReply(reply: unknown, format?: unknown): TensorMeta | BlobTensor | ValuesTensor {
    return decodeTensorReply(reply, format as TensorFormat | undefined, 'AI.TENSORGET');
  },
} as const satisfies Command;
