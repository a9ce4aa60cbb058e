import type { RedisArgument } from '@redis/client';
import { BasicCommandParser } from '@redis/client/dist/lib/client/parser.js';
import type { Command } from '../src/commands/command.js';

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

export interface Wire {
  readonly args: RedisArgument[];
  readonly keys: RedisArgument[];
  readonly preserve: unknown;
}

/** What a command definition puts on the wire for these arguments, through node-redis's own parser. */
export function wire<C extends Command>(command: C, ...args: Tail<Parameters<C['parseCommand']>>): Wire {
  const parser = new BasicCommandParser();
  command.parseCommand(parser, ...args);
  return { args: parser.redisArgs, keys: parser.keys, preserve: parser.preserve };
}

/** Wire arguments as text, with Buffers shown as `<hex>`. */
export function text(args: readonly RedisArgument[]): string[] {
  return args.map((a) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`));
}
