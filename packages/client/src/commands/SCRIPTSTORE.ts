import type { CommandParser } from '@redis/client';
import type { Key, ScriptStoreOptions } from '../types.js';
import { pushCounted } from '../wire-args.js';
import type { Command, OkReply } from './command.js';

/** `AI.SCRIPTSTORE key device [TAG t] ENTRY_POINTS n fn... SOURCE source` (RedisAI 1.2). */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, script: ScriptStoreOptions) {
    parser.push('AI.SCRIPTSTORE');
    parser.pushKey(key);
    parser.push(script.device);
    if (script.tag !== undefined) parser.push('TAG', script.tag);
    pushCounted(parser, 'ENTRY_POINTS', script.entryPoints, false);
    parser.push('SOURCE', script.source);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
