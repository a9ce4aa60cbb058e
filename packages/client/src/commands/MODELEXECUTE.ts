import type { CommandParser } from '@redis/client';
import type { ExecuteOptions, Key, RunStatus } from '../types.js';
import { pushCounted, pushTimeout } from '../wire-args.js';
import type { Command } from './command.js';

/** `AI.MODELEXECUTE key INPUTS n k... OUTPUTS n k... [TIMEOUT ms]` → `OK`, or `TIMEDOUT` (RedisAI 1.2). */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, run: ExecuteOptions) {
    parser.push('AI.MODELEXECUTE');
    parser.pushKey(key);
    pushCounted(parser, 'INPUTS', run.inputs, true);
    pushCounted(parser, 'OUTPUTS', run.outputs, true);
    pushTimeout(parser, run.timeout);
  },
  transformReply: undefined as unknown as () => RunStatus,
} as const satisfies Command;
