import type { CommandParser } from '@redis/client';
import { UnexpectedReplyError } from '../errors.js';
import { replyArray, replyInteger, replyText } from '../reply.js';
import type { Backend, Device, Key, RunInfo } from '../types.js';
import type { Command } from './command.js';

/** `AI.INFO key` → the flat array `KEY k TYPE t BACKEND b DEVICE d DURATION us SAMPLES n CALLS n ERRORS n`. */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.INFO');
    parser.pushKey(key);
  },
  transformReply(reply: unknown): RunInfo {
    const fields = fieldMap(reply);
    const field = (name: string): unknown => {
      if (!fields.has(name)) throw new UnexpectedReplyError(`AI.INFO: the reply has no ${name} field`);
      return fields.get(name);
    };
    const text = (name: string) => replyText(field(name), `AI.INFO ${name}`);
    const integer = (name: string) => replyInteger(field(name), `AI.INFO ${name}`);
    return {
      key: text('KEY'),
      type: text('TYPE').toUpperCase() as RunInfo['type'],
      backend: text('BACKEND') as Backend,
      device: text('DEVICE') as Device,
      duration: integer('DURATION'),
      samples: integer('SAMPLES'),
      calls: integer('CALLS'),
      errors: integer('ERRORS'),
    };
  },
} as const satisfies Command;

/** Field names (upper-cased) to values, from the flat array or from a RESP3 map. */
function fieldMap(reply: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (reply instanceof Map) {
    for (const [k, v] of reply) out.set(replyText(k, 'AI.INFO field').toUpperCase(), v);
    return out;
  }
  if (reply !== null && typeof reply === 'object' && !Array.isArray(reply) && !Buffer.isBuffer(reply)) {
    for (const [k, v] of Object.entries(reply)) out.set(k.toUpperCase(), v);
    return out;
  }
  const flat = replyArray(reply, 'AI.INFO');
  if (flat.length % 2 !== 0) throw new UnexpectedReplyError(`AI.INFO: expected field/value pairs, got ${flat.length} elements`);
  for (let i = 0; i < flat.length; i += 2) out.set(replyText(flat[i], 'AI.INFO field').toUpperCase(), flat[i + 1]);
  return out;
}
