import type { CommandParser } from '@redis/client';
import type { Key, TensorInput } from '../types.js';
import { pushTensor } from '../wire-args.js';
import type { Command, OkReply } from './command.js';

/** `AI.TENSORSET key dtype dim... [BLOB data | VALUES v...]` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, tensor: TensorInput) {
    parser.push('AI.TENSORSET');
    parser.pushKey(key);
    pushTensor(parser, tensor);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
