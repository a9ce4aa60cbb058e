import type { CommandParser } from '@redis/client';
import { replyArray, replyText } from '../reply.js';
import type { Device, Key, ScriptReply } from '../types.js';
import type { Command } from './command.js';

/** `AI.SCRIPTGET key` → `[device, source]` */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.SCRIPTGET');
    parser.pushKey(key);
  },
  transformReply(reply: unknown): ScriptReply {
    const [device, source] = replyArray(reply, 'AI.SCRIPTGET');
    return {
      device: replyText(device, 'AI.SCRIPTGET device') as Device,
      source: replyText(source, 'AI.SCRIPTGET source'),
    };
  },
} as const satisfies Command;
