import type { CommandParser } from '@redis/client';
import type { Key, RunOptions } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.MODELRUN key INPUTS k... OUTPUTS k...` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, run: RunOptions) {
    parser.push('AI.MODELRUN');
    parser.pushKey(key);
    parser.push('INPUTS');
    parser.pushKeys([...run.inputs]);
    parser.push('OUTPUTS');
    parser.pushKeys([...run.outputs]);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
