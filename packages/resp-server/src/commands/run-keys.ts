import { ReplyError } from '@modelkv/core';
import { isWord } from '../args.js';

export interface RunKeys {
  readonly inputs: Buffer[];
  readonly outputs: Buffer[];
}

/** Parses `INPUTS k... OUTPUTS k...` from argv[start] on (the words in any case). */
export function parseRunKeys(argv: readonly Buffer[], start: number): RunKeys {
  if (!isWord(argv[start], 'INPUTS')) throw new ReplyError('INPUTS not specified');
  const inputs: Buffer[] = [];
  let i = start + 1;
  for (; i < argv.length && !isWord(argv[i], 'OUTPUTS'); i++) inputs.push(argv[i]!);
  if (i === argv.length) throw new ReplyError('OUTPUTS not specified');
  const outputs = argv.slice(i + 1);
  if (outputs.length === 0) throw new ReplyError('OUTPUTS needs at least one key');
  return { inputs, outputs };
}
