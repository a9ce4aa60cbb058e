import type { CommandParser } from '@redis/client';
import type { TaggedKey } from '../types.js';
import { decodeTaggedKeys } from '../fields.js';
import type { Command } from './command.js';

/** `AI._SCRIPTSCAN` → every script key with its tag (RedisAI 1.2; experimental there). */
export default {
  NOT_KEYED_COMMAND: true,
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser) {
    parser.push('AI._SCRIPTSCAN');
  },
  transformReply(reply: unknown): TaggedKey[] {
    return decodeTaggedKeys(reply, 'AI._SCRIPTSCAN');
  },
} as const satisfies Command;
