import { isWord, parseStrictInt } from './args.js';
import type { CommandSpec } from './command-table.js';
import { KeyFlag, type KeySpec } from './key-specs.js';

/** One key of a request. */
export interface CommandKey {
  /** Its position in argv (argv[0] is the command name). */
  readonly pos: number;
  readonly key: Buffer;
  /** KeyFlag bits: what the command does to it. */
  readonly flags: number;
}

/**
 * Finds a command's keys where key specs cannot say exactly (Redis's getkeys_proc), e.g. keys
 * delimited by keywords on both sides. `specs` are the command's own, for their flags. Returns
 * no keys for arguments it cannot make sense of: the handler answers those with an error.
 */
export type KeysFunction = (argv: readonly Buffer[], specs: readonly KeySpec[]) => CommandKey[];

const NO_KEYS: readonly CommandKey[] = Object.freeze([]);

/**
 * The keys a request names, with what the command does to each, in the order of the command's
 * key specs. Everything that needs keys asks this: COMMAND GETKEYS and GETKEYSANDFLAGS, and
 * access checks on every key a command touches. `argv` must be a request `spec` was looked up
 * for (arity checked); malformed arguments (a keyword missing, a count that is not a number or
 * runs past the end) give no keys, as in Redis.
 */
export function commandKeys(spec: CommandSpec, argv: readonly Buffer[]): readonly CommandKey[] {
  if (spec.keys) return spec.keys(argv, spec.keySpecs);
  const specs = spec.keySpecs;
  if (specs.length === 0) return NO_KEYS;
  const out: CommandKey[] = [];
  for (const ks of specs) {
    if (ks.bits & KeyFlag.NOT_KEY) continue;
    if (!findKeys(ks, argv, out)) return NO_KEYS;
  }
  return out;
}

/**
 * The key at `pos` with a spec's flags, for `keys` functions: less `incomplete`, which says the
 * spec alone cannot find the keys, where the function has found this one for certain.
 */
export function keyAt(argv: readonly Buffer[], pos: number, spec: KeySpec): CommandKey {
  return { pos, key: argv[pos]!, flags: spec.bits & ~KeyFlag.INCOMPLETE };
}

/** Appends the keys one spec finds (Redis's getKeysUsingKeySpecs); false when the arguments do not fit it. */
function findKeys(spec: KeySpec, argv: readonly Buffer[], out: CommandKey[]): boolean {
  const argc = argv.length;
  const bs = spec.beginSearch;
  const fk = spec.findKeys;
  if (bs === 'unknown' || fk === 'unknown') return false;
  let first: number;
  if ('index' in bs) {
    first = bs.index;
  } else {
    const at = findKeyword(argv, bs.keyword, bs.startFrom);
    // No keyword: this spec has no keys (an optional clause left out).
    if (at === 0) return true;
    first = at + 1;
  }
  let last: number;
  let step: number;
  if ('range' in fk) {
    const r = fk.range;
    step = r.step;
    if (r.lastKey >= 0) last = first + r.lastKey;
    else if (r.limit === 0) last = argc + r.lastKey;
    else last = first + Math.floor((argc - first) / r.limit) + r.lastKey;
  } else {
    const k = fk.keynum;
    step = k.step;
    const countAt = first + k.keyNumIdx;
    if (countAt >= argc) return false;
    const n = parseStrictInt(argv[countAt]!);
    if (n === undefined || n < 0) return false;
    // A count of zero names no keys (an empty INPUTS 0), where Redis would call the request invalid.
    if (n === 0) return true;
    first += k.firstKey;
    last = first + (n - 1) * step;
  }
  if (first >= argc || last >= argc || last < first) return false;
  for (let i = first; i <= last; i += step) out.push({ pos: i, key: argv[i]!, flags: spec.bits });
  return true;
}

/**
 * The position of the first argument equal to `keyword`, searching forwards from `startFrom`
 * (up to, not including, the last argument, which could not be followed by keys) or, for a
 * negative `startFrom`, backwards from argc + startFrom down to argv[2]. 0 when absent.
 */
function findKeyword(argv: readonly Buffer[], keyword: string, startFrom: number): number {
  const argc = argv.length;
  if (startFrom > 0) {
    for (let i = startFrom; i < argc - 1; i++) if (isWord(argv[i], keyword)) return i;
  } else {
    for (let i = argc + startFrom; i > 1; i--) if (isWord(argv[i], keyword)) return i;
  }
  return 0;
}
