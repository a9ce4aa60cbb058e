import type { CommandParser } from '@redis/client';
import type { Key, ScriptSetOptions } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.SCRIPTSET key device [TAG t] source` (TAG only when given: v0.9 has none). */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, script: ScriptSetOptions) {
    parser.push('AI.SCRIPTSET');
    parser.pushKey(key);
    parser.push(script.device);
    if (script.tag !== undefined) parser.push('TAG', script.tag);
    parser.push(script.source);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
