import type { CommandParser } from '@redis/client';
import { replyArray, replyBuffer, replyText } from '../reply.js';
import type { Backend, Device, Key, ModelReply } from '../types.js';
import type { Command } from './command.js';

/** `AI.MODELGET key` → `[backend, device, blob]` */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.MODELGET');
    parser.pushKey(key);
  },
  transformReply(reply: unknown): ModelReply {
    const [backend, device, blob] = replyArray(reply, 'AI.MODELGET');
    return {
      backend: replyText(backend, 'AI.MODELGET backend') as Backend,
      device: replyText(device, 'AI.MODELGET device') as Device,
      blob: replyBuffer(blob, 'AI.MODELGET blob'),
    };
  },
} as const satisfies Command;
