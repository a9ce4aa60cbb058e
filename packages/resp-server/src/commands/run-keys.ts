import { ReplyError } from '@modelkv/core';
import { isWord } from '../args.js';
import type { CommandArgument } from '../command-args.js';
import { type CommandKey, type KeysFunction, keyAt } from '../command-keys.js';
import type { KeySpecDeclaration } from '../key-specs.js';

export interface RunKeys {
  readonly inputs: Buffer[];
  readonly outputs: Buffer[];
}

const NO_INPUTS = -1;
const NO_OUTPUTS = -2;
const EMPTY_OUTPUTS = -3;

/**
 * The position of OUTPUTS in `INPUTS k... OUTPUTS k...` from argv[start] (the words in any case),
 * or why the request is malformed: the one reading of these arguments, for the handler and for
 * the keys function alike.
 */
function outputsAt(argv: readonly Buffer[], start: number): number {
  if (!isWord(argv[start], 'INPUTS')) return NO_INPUTS;
  let i = start + 1;
  while (i < argv.length && !isWord(argv[i], 'OUTPUTS')) i++;
  if (i === argv.length) return NO_OUTPUTS;
  return i === argv.length - 1 ? EMPTY_OUTPUTS : i;
}

/** Parses `INPUTS k... OUTPUTS k...` from argv[start] on. */
export function parseRunKeys(argv: readonly Buffer[], start: number): RunKeys {
  const at = outputsAt(argv, start);
  if (at === NO_INPUTS) throw new ReplyError('INPUTS not specified');
  if (at === NO_OUTPUTS) throw new ReplyError('OUTPUTS not specified');
  if (at === EMPTY_OUTPUTS) throw new ReplyError('OUTPUTS needs at least one key');
  return { inputs: argv.slice(start + 1, at), outputs: argv.slice(at + 1) };
}

/**
 * The key specs of `<cmd> key ... INPUTS k... OUTPUTS k...` with INPUTS at argv[start]: the
 * model or script read, the inputs read, the outputs overwritten. A range cannot end at a
 * keyword, so the inputs' spec is `unknown` (and `runKeys` finds them).
 */
export function runKeySpecs(start: number): KeySpecDeclaration[] {
  return [
    { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } },
    {
      flags: ['RO', 'access', 'incomplete'],
      beginSearch: { keyword: 'INPUTS', startFrom: start },
      findKeys: 'unknown',
      notes: 'The keys between INPUTS and OUTPUTS.',
    },
    { flags: ['OW', 'update'], beginSearch: { keyword: 'OUTPUTS', startFrom: start + 1 }, findKeys: { range: { lastKey: -1 } } },
  ];
}

/** The keys function that goes with runKeySpecs(start). */
export function runKeys(start: number): KeysFunction {
  return (argv, specs) => {
    const at = outputsAt(argv, start);
    if (at < 0) return [];
    const keys: CommandKey[] = [keyAt(argv, 1, specs[0]!)];
    for (let i = start + 1; i < at; i++) keys.push(keyAt(argv, i, specs[1]!));
    for (let i = at + 1; i < argv.length; i++) keys.push(keyAt(argv, i, specs[2]!));
    return keys;
  };
}

/** The arguments of `<cmd> key [between...] INPUTS k... OUTPUTS k...`, for COMMAND DOCS. */
export function runArguments(between: readonly CommandArgument[]): CommandArgument[] {
  return [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    ...between,
    { name: 'input', type: 'key', keySpecIndex: 1, token: 'INPUTS', multiple: true },
    { name: 'output', type: 'key', keySpecIndex: 2, token: 'OUTPUTS', multiple: true },
  ];
}
