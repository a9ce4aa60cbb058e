import type { CommandParser } from '@redis/client';
import type { Backend } from '../types.js';
import type { Command, OkReply } from './command.js';

/** `AI.CONFIG LOADBACKEND TF|TORCH|ONNX path`; the path is read on the server's machine. */
export default {
  NOT_KEYED_COMMAND: true,
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, backend: Backend, path: string) {
    parser.push('AI.CONFIG', 'LOADBACKEND', backend, path);
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
