import type { CommandParser } from '@redis/client';
import type { Key } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.INFO key RESETSTAT` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.INFO');
    parser.pushKey(key);
    parser.push('RESETSTAT');
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
