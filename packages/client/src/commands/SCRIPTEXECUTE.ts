import type { CommandParser } from '@redis/client';
import type { Key, RunStatus, ScriptExecuteOptions } from '../types.js';
import { pushScriptExecute } from '../wire-args.js';
import type { Command } from './command.js';

/**
 * `AI.SCRIPTEXECUTE key fn [KEYS n k...] [INPUTS n k...] [ARGS n a...] [OUTPUTS n k...]
 * [TIMEOUT ms]` → `OK`, or `TIMEDOUT` (RedisAI 1.2). The server wants KEYS or INPUTS.
 */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, fn: string, run: ScriptExecuteOptions) {
    parser.push('AI.SCRIPTEXECUTE');
    parser.pushKey(key);
    pushScriptExecute(parser, fn, run);
  },
  transformReply: undefined as unknown as () => RunStatus,
} as const satisfies Command;
