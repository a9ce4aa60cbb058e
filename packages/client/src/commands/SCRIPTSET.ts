import type { CommandParser } from '@redis/client';
import type { Key, ScriptSetOptions } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.SCRIPTSET key device source` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, script: ScriptSetOptions) {
    parser.push('AI.SCRIPTSET');
    parser.pushKey(key);
    parser.push(script.device, script.source);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
