import type { CommandParser } from '@redis/client';
import { decodeModelReply } from '../model-reply.js';
import type { Key, ModelReply, RedisAIVersion } from '../types.js';
import type { Command } from './command.js';

/**
 * `AI.MODELGET key` (v0.9: `[backend, device, blob]`) or `AI.MODELGET key META BLOB` (1.x: the
 * settings and the blob as field/value pairs, the blob maybe in chunks). Either shape is read.
 */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key, version: RedisAIVersion = '0.9') {
    parser.push('AI.MODELGET');
    parser.pushKey(key);
    if (version === '1.2') parser.push('META', 'BLOB');
  },
  transformReply(reply: unknown): ModelReply {
    return decodeModelReply(reply);
  },
} as const satisfies Command;
