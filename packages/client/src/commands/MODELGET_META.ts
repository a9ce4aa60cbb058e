import type { CommandParser } from '@redis/client';
import { decodeModelMeta } from '../model-reply.js';
import type { Key, ModelMeta } from '../types.js';
import type { Command } from './command.js';

/** `AI.MODELGET key META` → backend, device, tag, batching and node names, without the blob (RedisAI 1.x). */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.MODELGET');
    parser.pushKey(key);
    parser.push('META');
  },
  transformReply(reply: unknown): ModelMeta {
    return decodeModelMeta(reply);
  },
} as const satisfies Command;
