import type { CommandParser } from '@redis/client';
import { field, replyFields } from '../fields.js';
import { replyInteger, replyText } from '../reply.js';
import type { Backend, Device, Key, RunInfo } from '../types.js';
import type { Command } from './command.js';

/**
 * `AI.INFO key` → run statistics, from v0.9's 16 elements (`KEY k TYPE t ...`, names in upper
 * case) or 1.x's 18 (names in lower case, with `tag`), or a RESP3 map.
 */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, key: Key) {
    parser.push('AI.INFO');
    parser.pushKey(key);
  },
  transformReply(reply: unknown): RunInfo {
    const fields = replyFields(reply, 'AI.INFO');
    const text = (name: string) => replyText(field(fields, name, 'AI.INFO'), `AI.INFO ${name}`);
    const integer = (name: string) => replyInteger(field(fields, name, 'AI.INFO'), `AI.INFO ${name}`);
    const info: RunInfo = {
      key: text('key'),
      type: text('type').toUpperCase() as RunInfo['type'],
      backend: text('backend') as Backend,
      device: text('device') as Device,
      duration: integer('duration'),
      samples: integer('samples'),
      calls: integer('calls'),
      errors: integer('errors'),
    };
    return fields.has('tag') ? { ...info, tag: text('tag') } : info;
  },
} as const satisfies Command;
