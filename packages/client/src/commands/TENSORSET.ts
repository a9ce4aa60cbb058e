import type { CommandParser } from '@redis/client';
import { encodeTensor } from '../tensor-codec.js';
import type { Key, TensorInput } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.TENSORSET key dtype dim... [BLOB data | VALUES v...]` */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, key: Key, tensor: TensorInput) {
    const t = encodeTensor(tensor);
    parser.push('AI.TENSORSET');
    parser.pushKey(key);
    parser.push(t.dtype);
    parser.pushVariadic(t.shape.map(String));
    if (t.blob) parser.push('BLOB', t.blob);
    else if (t.values) {
      parser.push('VALUES');
      parser.pushVariadic([...t.values]);
    }
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
