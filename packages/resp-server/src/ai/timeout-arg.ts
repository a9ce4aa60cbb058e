import { ReplyError } from '@modelkv/core';
import { parseStrictInt } from '../args.js';

/** A TIMEOUT value: whole milliseconds > 0, as RedisAI 1.2 takes it. */
export function timeoutArg(word: Buffer | undefined, missing = 'No value provided for TIMEOUT'): number {
  if (word === undefined) throw new ReplyError(missing);
  const t = parseStrictInt(word);
  if (t === undefined || t <= 0) throw new ReplyError('Invalid value for TIMEOUT');
  return t;
}
