import type { CommandParser } from '@redis/client';
import { decodeScriptReply } from '../script-reply.js';
import type { Key, RedisAIVersion, ScriptReply } from '../types.js';
import type { Command } from './command.js';

/**
 * `AI.SCRIPTGET key` (v0.9: `[device, source]`) or `AI.SCRIPTGET key META SOURCE` (1.x: device,
 * tag, entry points and source as field/value pairs). Either shape is read.
 */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key, version: RedisAIVersion = '0.9') {
    parser.push('AI.SCRIPTGET');
    parser.pushKey(key);
    if (version === '1.2') parser.push('META', 'SOURCE');
  },
  transformReply(reply: unknown): ScriptReply {
    return decodeScriptReply(reply);
  },
} as const satisfies Command;
