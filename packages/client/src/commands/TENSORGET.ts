import type { CommandParser } from '@redis/client';
import { type DType, isDType } from '../dtype.js';
import { UnexpectedReplyError } from '../errors.js';
import { replyArray, replyInteger, replyText } from '../reply.js';
import { decodeBlob, decodeValues } from '../tensor-codec.js';
import type { BlobTensor, Key, TensorFormat, TensorMeta, ValuesTensor } from '../types.js';
import type { Command } from './command.js';

/** `AI.TENSORGET key BLOB|VALUES|META` → `[dtype, [dim...]]`, plus the blob or the values. */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key, format: TensorFormat = 'BLOB') {
    parser.push('AI.TENSORGET');
    parser.pushKey(key);
    parser.push(format);
    parser.preserve = format;
  },
  transformReply(reply: unknown, format?: unknown): TensorMeta | BlobTensor | ValuesTensor {
    const parts = replyArray(reply, 'AI.TENSORGET');
    const dtype = replyDType(parts[0]);
    const shape = replyArray(parts[1], 'AI.TENSORGET shape').map((d) => replyInteger(d, 'AI.TENSORGET shape'));
    if (format === 'META' || parts.length === 2) return { dtype, shape };
    const data = parts[2];
    if (format === 'VALUES' || Array.isArray(data)) {
      return { dtype, shape, data: decodeValues(dtype, replyArray(data, 'AI.TENSORGET VALUES')) };
    }
    return { dtype, shape, data: decodeBlob(dtype, data) };
  },
} as const satisfies Command;

function replyDType(value: unknown): DType {
  const word = replyText(value, 'AI.TENSORGET dtype').toUpperCase();
  if (!isDType(word)) throw new UnexpectedReplyError(`AI.TENSORGET: unknown dtype '${word}' in reply`);
  return word;
}
