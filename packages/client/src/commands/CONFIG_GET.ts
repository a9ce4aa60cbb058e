import type { CommandParser } from '@redis/client';
import { replyInteger, replyText } from '../reply.js';
import type { AIConfigName } from '../types.js';
import type { Command } from './command.js';

/** `AI.CONFIG GET name` → the setting (a number for counts, a string for paths), or null when it has none. */
export default {
  NOT_KEYED_COMMAND: true,
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, name: AIConfigName) {
    parser.push('AI.CONFIG', 'GET', name);
  },
  transformReply(reply: unknown): string | number | null {
    if (reply === null) return null;
    if (typeof reply === 'number' || typeof reply === 'bigint') return replyInteger(reply, 'AI.CONFIG GET');
    // A bulk string (a path) is a Buffer through AI_TYPE_MAPPING, which renders integers as text.
    if (typeof reply === 'string' && /^-?\d+$/.test(reply)) return replyInteger(reply, 'AI.CONFIG GET');
    return replyText(reply, 'AI.CONFIG GET');
  },
} as const satisfies Command;
