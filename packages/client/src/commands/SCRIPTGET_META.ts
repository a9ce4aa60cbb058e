import type { CommandParser } from '@redis/client';
import { decodeScriptMeta } from '../script-reply.js';
import type { Key, ScriptMeta } from '../types.js';
import type { Command } from './command.js';

/** `AI.SCRIPTGET key META` → device, tag and entry points, without the source (RedisAI 1.x). */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.SCRIPTGET');
    parser.pushKey(key);
    parser.push('META');
  },
  transformReply(reply: unknown): ScriptMeta {
    return decodeScriptMeta(reply);
  },
} as const satisfies Command;
