import { isWord, parseStrictInt } from '../args.js';
import type { CommandArgument } from '../command-args.js';
import { type CommandKey, type KeysFunction, keyAt } from '../command-keys.js';
import type { KeySpecDeclaration, KeySpecFlag } from '../key-specs.js';

/** `WORD n k...` found by keyword from argv[startFrom]: the count right after the word, the keys after it. */
function counted(keyword: string, startFrom: number, flags: KeySpecFlag[]): KeySpecDeclaration {
  return { flags, beginSearch: { keyword, startFrom }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } };
}

const MODEL_OR_SCRIPT: KeySpecDeclaration = { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } };

/** AI.MODELEXECUTE's: the model read, the inputs read, the outputs overwritten. */
export const MODEL_EXECUTE_KEY_SPECS: readonly KeySpecDeclaration[] = [
  MODEL_OR_SCRIPT,
  counted('INPUTS', 2, ['RO', 'access']),
  counted('OUTPUTS', 2, ['OW', 'update']),
];

/** AI.SCRIPTEXECUTE's: the script read, KEYS read and written by the function, the inputs read, the outputs overwritten. */
export const SCRIPT_EXECUTE_KEY_SPECS: readonly KeySpecDeclaration[] = [
  MODEL_OR_SCRIPT,
  counted('KEYS', 3, ['RW', 'access', 'update']),
  counted('INPUTS', 3, ['RO', 'access']),
  counted('OUTPUTS', 3, ['OW', 'update']),
];

function countedArgument(name: string, token: string, item: CommandArgument): CommandArgument {
  return {
    name,
    type: 'block',
    token,
    optional: true,
    arguments: [
      { name: `${name}-count`, type: 'integer' },
      { ...item, multiple: true },
    ],
  };
}

export const MODEL_EXECUTE_ARGUMENTS: readonly CommandArgument[] = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { ...countedArgument('inputs', 'INPUTS', { name: 'input', type: 'key', keySpecIndex: 1 }), optional: false },
  { ...countedArgument('outputs', 'OUTPUTS', { name: 'output', type: 'key', keySpecIndex: 2 }), optional: false },
  { name: 'timeout', type: 'integer', token: 'TIMEOUT', optional: true },
];

export const SCRIPT_EXECUTE_ARGUMENTS: readonly CommandArgument[] = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'function', type: 'string' },
  countedArgument('keys', 'KEYS', { name: 'key', type: 'key', keySpecIndex: 1 }),
  countedArgument('inputs', 'INPUTS', { name: 'input', type: 'key', keySpecIndex: 2 }),
  countedArgument('args', 'ARGS', { name: 'arg', type: 'string' }),
  countedArgument('outputs', 'OUTPUTS', { name: 'output', type: 'key', keySpecIndex: 3 }),
  { name: 'timeout', type: 'integer', token: 'TIMEOUT', optional: true },
];

/**
 * Reads `WORD n k...` clauses in order from argv[start], as the parsers do, so that a key named
 * like a keyword is a key: `sections` maps each word to the spec of its keys (null: not keys, as
 * ARGS). Stops at TIMEOUT; gives no keys for anything it cannot read.
 */
function sectionKeys(start: number, sections: Readonly<Record<string, number | null>>): KeysFunction {
  return (argv, specs) => {
    const keys: CommandKey[] = [keyAt(argv, 1, specs[0]!)];
    let i = start;
    while (i < argv.length) {
      if (isWord(argv[i], 'TIMEOUT')) break;
      const word = argv[i]!.toString().toUpperCase();
      if (!(word in sections)) return [];
      const n = i + 1 < argv.length ? parseStrictInt(argv[i + 1]!) : undefined;
      if (n === undefined || n < 0 || i + 2 + n > argv.length) return [];
      const spec = sections[word];
      if (spec !== null && spec !== undefined) for (let k = i + 2; k < i + 2 + n; k++) keys.push(keyAt(argv, k, specs[spec]!));
      i += 2 + n;
    }
    return keys;
  };
}

export const modelExecuteKeys: KeysFunction = sectionKeys(2, { INPUTS: 1, OUTPUTS: 2 });
export const scriptExecuteKeys: KeysFunction = sectionKeys(3, { KEYS: 1, INPUTS: 2, ARGS: null, OUTPUTS: 3 });
