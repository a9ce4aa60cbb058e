import type { CommandParser } from '@redis/client';
import type { AIConfigName } from '../types.js';
import type { Command, OkReply } from './command.js';

/**
 * `AI.CONFIG <NAME> <value>`: BACKENDSPATH, MODEL_CHUNK_SIZE, THREADS_PER_QUEUE,
 * INTRA_OP_PARALLELISM, INTER_OP_PARALLELISM (and what else the server offers).
 */
export default {
  NOT_KEYED_COMMAND: true,
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, name: AIConfigName, value: string | number) {
    parser.push('AI.CONFIG', name, String(value));
  },
  transformReply: undefined as unknown as () => OkReply,
} as const satisfies Command;
