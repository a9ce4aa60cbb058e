import type { CommandParser } from '@redis/client';
import type { Key } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.SCRIPTDEL key` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.SCRIPTDEL');
    parser.pushKey(key);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
