import { ReplyError } from '@modelkv/core';
import { isWord } from '../args.js';
import { timeoutArg } from '../ai/timeout-arg.js';
import type { CommandArgument } from '../command-args.js';
import { type CommandKey, type KeysFunction, keyAt } from '../command-keys.js';
import type { KeySpecDeclaration } from '../key-specs.js';

export interface RunKeys {
  /** TIMEOUT: milliseconds the run may wait in its queue (0: no limit). */
  readonly timeoutMs: number;
  readonly inputs: Buffer[];
  readonly outputs: Buffer[];
}

const NO_INPUTS = -1;
const NO_OUTPUTS = -2;

/** Where INPUTS is: argv[start], or two further after `TIMEOUT t` (1.x's form). */
function inputsAt(argv: readonly Buffer[], start: number): number {
  return isWord(argv[start], 'TIMEOUT') ? start + 2 : start;
}

/**
 * The position of OUTPUTS in `[TIMEOUT t] INPUTS k... OUTPUTS k...` from argv[start] (the words in
 * any case), or why the request is malformed: the one reading of these arguments, for the handler
 * and for the keys function alike.
 */
function outputsAt(argv: readonly Buffer[], start: number): number {
  const inputs = inputsAt(argv, start);
  if (!isWord(argv[inputs], 'INPUTS')) return NO_INPUTS;
  let i = inputs + 1;
  while (i < argv.length && !isWord(argv[i], 'OUTPUTS')) i++;
  return i === argv.length ? NO_OUTPUTS : i;
}

/**
 * Parses `[TIMEOUT t] INPUTS k... OUTPUTS k...` from argv[start] on. Either list may be empty: the
 * reference queued such runs and failed them there, counting a call and an error.
 */
export function parseRunKeys(argv: readonly Buffer[], start: number): RunKeys {
  const timeoutMs = isWord(argv[start], 'TIMEOUT') ? timeoutArg(argv[start + 1]) : 0;
  const at = outputsAt(argv, start);
  if (at === NO_INPUTS) throw new ReplyError('INPUTS not specified');
  if (at === NO_OUTPUTS) throw new ReplyError('OUTPUTS not specified');
  return { timeoutMs, inputs: argv.slice(inputsAt(argv, start) + 1, at), outputs: argv.slice(at + 1) };
}

/**
 * The key specs of `<cmd> key ... [TIMEOUT t] INPUTS k... OUTPUTS k...` with INPUTS at or after
 * argv[start]: the model or script read, the inputs read, the outputs overwritten. A range cannot
 * end at a keyword, so the inputs' spec is `unknown` (and `runKeys` finds them).
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
    for (let i = inputsAt(argv, start) + 1; i < at; i++) keys.push(keyAt(argv, i, specs[1]!));
    for (let i = at + 1; i < argv.length; i++) keys.push(keyAt(argv, i, specs[2]!));
    return keys;
  };
}

/** The arguments of `<cmd> key [between...] [TIMEOUT t] INPUTS k... OUTPUTS k...`, for COMMAND DOCS. */
export function runArguments(between: readonly CommandArgument[]): CommandArgument[] {
  return [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    ...between,
    { name: 'timeout', type: 'integer', token: 'TIMEOUT', optional: true, since: '1.0.0' },
    { name: 'input', type: 'key', keySpecIndex: 1, token: 'INPUTS', multiple: true },
    { name: 'output', type: 'key', keySpecIndex: 2, token: 'OUTPUTS', multiple: true },
  ];
}
