/**
 * Key specs: how a command declares where its keys are, as Redis 7 does (`"key_specs"` in
 * redis/redis `src/commands/*.json`). A spec finds a first position (`beginSearch`: a fixed
 * index, or the argument after a keyword) and then the keys from there (`findKeys`: a range, or
 * a count read from the arguments), and says what the command does to those keys (`flags`).
 */

/** Key spec flags, spelled as Redis 7's COMMAND INFO prints them. */
export type KeySpecFlag =
  'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete' | 'not_key' | 'incomplete' | 'variable_flags';

/** The flags as bits, in Redis's order, so that a check on every key of a command is one `&`. */
export const KeyFlag = {
  /** Read-only: the value is read, never changed. */
  RO: 1 << 0,
  /** Read-write: the value is read and changed. */
  RW: 1 << 1,
  /** Overwrite: the value is replaced without being read. */
  OW: 1 << 2,
  /** Remove: the key is deleted. */
  RM: 1 << 3,
  /** The value (or data derived from it) is returned to the client. */
  ACCESS: 1 << 4,
  /** The value is updated or replaced. */
  UPDATE: 1 << 5,
  INSERT: 1 << 6,
  DELETE: 1 << 7,
  /** Not a key, though it routes like one (a cluster hint). */
  NOT_KEY: 1 << 8,
  /** The spec may not find every key the command touches. */
  INCOMPLETE: 1 << 9,
  VARIABLE_FLAGS: 1 << 10,
} as const;

const FLAG_BITS: readonly (readonly [KeySpecFlag, number])[] = [
  ['RO', KeyFlag.RO],
  ['RW', KeyFlag.RW],
  ['OW', KeyFlag.OW],
  ['RM', KeyFlag.RM],
  ['access', KeyFlag.ACCESS],
  ['update', KeyFlag.UPDATE],
  ['insert', KeyFlag.INSERT],
  ['delete', KeyFlag.DELETE],
  ['not_key', KeyFlag.NOT_KEY],
  ['incomplete', KeyFlag.INCOMPLETE],
  ['variable_flags', KeyFlag.VARIABLE_FLAGS],
];

/** The names of a set of flag bits, in Redis's order (COMMAND INFO, COMMAND GETKEYSANDFLAGS). */
export function keyFlagNames(bits: number): KeySpecFlag[] {
  const names: KeySpecFlag[] = [];
  for (const [name, bit] of FLAG_BITS) if (bits & bit) names.push(name);
  return names;
}

/** Where the search for keys starts. */
export type BeginSearch =
  /** At argv[index] (argv[0] is the command name). */
  | { readonly index: number }
  /**
   * After the first argument equal to `keyword` (any case), searching forwards from argv[startFrom],
   * or for a negative `startFrom` backwards from argv[argc + startFrom]. No keyword: no keys.
   */
  | { readonly keyword: string; readonly startFrom: number }
  /** Only a `keys` function can tell (COMMAND INFO still shows the spec). */
  | 'unknown';

/** Which keys follow the start. */
export type FindKeys =
  /**
   * Keys from the start to `lastKey` (relative to the start; negative counts from the end of argv,
   * -1 being the last argument), every `step` arguments. With a negative `lastKey`, a `limit` of
   * n stops after 1/n of the remaining arguments.
   */
  | { readonly range: { readonly lastKey: number; readonly step?: number; readonly limit?: number } }
  /**
   * The argument at start + `keyNumIdx` is the number of keys; the first key is at start + `firstKey`,
   * the others every `step` arguments: `INPUTS 2 a b` is `{ keyNumIdx: 0, firstKey: 1, step: 1 }` from INPUTS.
   */
  | { readonly keynum: { readonly keyNumIdx: number; readonly firstKey: number; readonly step?: number } }
  | 'unknown';

/** A key spec as a command declares it. */
export interface KeySpecDeclaration {
  readonly flags: readonly KeySpecFlag[];
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
  /** Shown by COMMAND INFO, e.g. why a spec is incomplete. */
  readonly notes?: string;
}

/** A checked key spec with its defaults filled in. */
export interface KeySpec {
  readonly flags: readonly KeySpecFlag[];
  /** `flags` as KeyFlag bits. */
  readonly bits: number;
  readonly beginSearch:
    | { readonly index: number }
    /** `keyword` in upper case. */
    | { readonly keyword: string; readonly startFrom: number }
    | 'unknown';
  readonly findKeys:
    | { readonly range: { readonly lastKey: number; readonly step: number; readonly limit: number } }
    | { readonly keynum: { readonly keyNumIdx: number; readonly firstKey: number; readonly step: number } }
    | 'unknown';
  readonly notes: string | undefined;
}

/** Checks a declaration and fills its defaults (step 1, limit 0). Throws on a malformed one. */
export function keySpec(decl: KeySpecDeclaration, command: string): KeySpec {
  const bad = (why: string): Error => new Error(`command ${command}: key spec ${JSON.stringify(decl)}: ${why}`);
  let bits = 0;
  for (const f of decl.flags) bits |= FLAG_BITS.find(([name]) => name === f)?.[1] ?? 0;
  const access = [KeyFlag.RO, KeyFlag.RW, KeyFlag.OW, KeyFlag.RM].filter((b) => bits & b).length;
  if (access !== 1 && !(bits & KeyFlag.NOT_KEY)) throw bad('needs exactly one of RO, RW, OW, RM');

  const bs = decl.beginSearch;
  let beginSearch: KeySpec['beginSearch'] = 'unknown';
  if (bs !== 'unknown' && 'index' in bs) {
    if (!Number.isInteger(bs.index) || bs.index < 1) throw bad('index must be 1 or more');
    beginSearch = { index: bs.index };
  } else if (bs !== 'unknown') {
    if (!/^[A-Za-z_|-]+$/.test(bs.keyword)) throw bad('keyword must be a word');
    if (!Number.isInteger(bs.startFrom) || bs.startFrom === 0) throw bad('startFrom must be a non-zero integer');
    beginSearch = { keyword: bs.keyword.toUpperCase(), startFrom: bs.startFrom };
  }

  const fk = decl.findKeys;
  let findKeys: KeySpec['findKeys'] = 'unknown';
  if (fk !== 'unknown' && 'range' in fk) {
    const { lastKey, step = 1, limit = 0 } = fk.range;
    if (!Number.isInteger(lastKey) || !Number.isInteger(step) || step < 1)
      throw bad('range needs an integer lastKey and a step of 1 or more');
    if (!Number.isInteger(limit) || limit < 0 || (limit > 0 && lastKey !== -1)) throw bad('a range limit goes with lastKey -1');
    findKeys = { range: { lastKey, step, limit } };
  } else if (fk !== 'unknown') {
    const { keyNumIdx, firstKey, step = 1 } = fk.keynum;
    if (!Number.isInteger(keyNumIdx) || keyNumIdx < 0) throw bad('keyNumIdx must be 0 or more');
    if (!Number.isInteger(firstKey) || firstKey <= keyNumIdx) throw bad('firstKey must come after keyNumIdx');
    if (!Number.isInteger(step) || step < 1) throw bad('keynum step must be 1 or more');
    findKeys = { keynum: { keyNumIdx, firstKey, step } };
  }
  if ((beginSearch === 'unknown' || findKeys === 'unknown') && !(bits & KeyFlag.INCOMPLETE)) {
    throw bad("an 'unknown' spec must be flagged incomplete");
  }
  return { flags: keyFlagNames(bits), bits, beginSearch, findKeys, notes: decl.notes };
}

/** The legacy first key, last key and step of COMMAND INFO (0 0 0: none). */
export interface LegacyKeyRange {
  readonly firstKey: number;
  /** Absolute; negative counts from the end of argv. */
  readonly lastKey: number;
  readonly step: number;
}

/**
 * The legacy range Redis 7 derives from key specs (populateCommandLegacyRangeSpec): the span of
 * the consecutive index+range specs with step 1. `movable` is whether a client must ask the
 * server for the keys (COMMAND INFO's `movablekeys`): some spec is not index+range, is
 * incomplete or does not fit the span, or a `keys` function finds them.
 */
export function legacyKeyRange(specs: readonly KeySpec[], hasKeysFunction: boolean): { range: LegacyKeyRange; movable: boolean } {
  let movable = hasKeysFunction;
  if (specs.length === 1) {
    const only = specs[0]!;
    if (only.beginSearch !== 'unknown' && 'index' in only.beginSearch && only.findKeys !== 'unknown' && 'range' in only.findKeys) {
      const first = only.beginSearch.index;
      const { lastKey, step } = only.findKeys.range;
      const incomplete = (only.bits & KeyFlag.INCOMPLETE) !== 0;
      return { range: { firstKey: first, lastKey: lastKey < 0 ? lastKey : first + lastKey, step }, movable: movable || incomplete };
    }
  }
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (s.beginSearch === 'unknown' || !('index' in s.beginSearch) || s.findKeys === 'unknown' || !('range' in s.findKeys)) {
      movable = true;
      continue;
    }
    const pos = s.beginSearch.index;
    const { lastKey, step } = s.findKeys.range;
    if (step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (s.bits & KeyFlag.INCOMPLETE) movable = true;
    first = Math.min(first, pos);
    const abs = lastKey >= 0 ? pos + lastKey : lastKey;
    // Redis compares as unsigned: a last key counted from the end wins over any index.
    last = unsigned(abs) > unsigned(last) ? abs : last;
    prevLast = last;
  }
  if (first === Infinity) return { range: { firstKey: 0, lastKey: 0, step: 0 }, movable: movable || specs.length > 0 };
  return { range: { firstKey: first, lastKey: last, step: 1 }, movable };
}

function unsigned(n: number): number {
  return n < 0 ? n + 2 ** 32 : n;
}
