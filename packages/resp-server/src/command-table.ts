import { ReplyError } from '@modelkv/core';
import { type CommandArgument, checkArguments } from './command-args.js';
import type { KeysFunction } from './command-keys.js';
import type { CommandContext } from './context.js';
import { type KeySpec, type KeySpecDeclaration, type LegacyKeyRange, keySpec, legacyKeyRange } from './key-specs.js';

/** Command flags as Redis's COMMAND reports them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'fast'
  | 'no_auth'
  | 'no_mandatory_keys'
  | 'allow_busy'
  | 'no_multi';

export type CommandGroup = 'connection' | 'generic' | 'server' | 'module';

export type CommandHandler = (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>;

/**
 * One command, declared once: everything about it (arity checks, COMMAND INFO, COMMAND DOCS,
 * the keys of a request) derives from this.
 */
export interface CommandSpec {
  /** Lower-case name as COMMAND reports it; subcommands are named `parent|sub`. */
  readonly name: string;
  /** A small number no other spec has: per-command slots are found by it (an array index). */
  readonly id: number;
  /** Redis convention, counting the command name: N exactly N arguments, -N at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Where the keys of a request are, as Redis 7 declares them (see key-specs.ts). */
  readonly keySpecs: readonly KeySpec[];
  /** Finds the keys where the specs cannot say exactly; the specs still describe them to COMMAND INFO. */
  readonly keys?: KeysFunction;
  /** Derived from the key specs: COMMAND INFO's first key, last key and step. */
  readonly legacyKeys: LegacyKeyRange;
  /** Derived: clients must ask the server for the keys (COMMAND INFO's `movablekeys`). */
  readonly movableKeys: boolean;
  /** ACL categories, e.g. `@read`, `@fast`. */
  readonly categories: readonly string[];
  /** Derived from the flags, for the checks before every command: may run before AUTH. */
  readonly noAuth: boolean;
  /** Derived from the flags: refused past maxmemory. */
  readonly denyOom: boolean;
  /** For COMMAND DOCS; each key argument names the key spec that finds it. */
  readonly arguments?: readonly CommandArgument[];
  readonly summary: string;
  readonly since: string;
  readonly group: CommandGroup;
  /** A container command (CLIENT, CONFIG, COMMAND) dispatches on its first argument. */
  readonly subcommands?: readonly CommandSpec[];
  /** Absent only for containers, whose subcommands have handlers. */
  readonly handler?: CommandHandler;
  /**
   * The handler waits (returns a promise): it gets owned copies of its arguments, which must
   * outlive the read buffer they arrived in. Others get views into that buffer, valid during the call.
   */
  readonly waits: boolean;
}

/** What a command file declares; the rest is derived or defaulted. */
export interface CommandDeclaration {
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly group: CommandGroup;
  readonly summary: string;
  /** Default: no keys. */
  readonly keySpecs?: readonly KeySpecDeclaration[];
  readonly keys?: KeysFunction;
  readonly arguments?: readonly CommandArgument[];
  /** Default: from the flags, the group and `dangerous`. */
  readonly categories?: readonly string[];
  /**
   * The command is in `@dangerous` (as `admin` ones are), so that `-@dangerous` keeps a user from
   * it: it makes the server run code a client sent or named (a model, a script, a backend), or,
   * as in Redis, it empties the keyspace or reveals all of it or the server's state.
   */
  readonly dangerous?: boolean;
  /** Default: 1.0.0. */
  readonly since?: string;
  readonly subcommands?: readonly CommandSpec[];
  readonly handler?: CommandHandler;
  /** The handler is async: its arguments are copied for it (see CommandSpec.waits). Default false. */
  readonly waits?: boolean;
}

let nextSpecId = 0;

/** The constructor of async functions, which has no global name. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async function is needed for its constructor, not for awaiting
const AsyncFunction = (async () => undefined).constructor;

/** Checks a declaration and fills its defaults: no keys, since 1.0.0, categories from flags. */
export function command(decl: CommandDeclaration): CommandSpec {
  const keySpecs = (decl.keySpecs ?? []).map((k) => keySpec(k, decl.name));
  const { range, movable } = legacyKeyRange(keySpecs, decl.keys !== undefined);
  if (decl.arguments) checkArguments(decl.name, decl.arguments, keySpecs.length);
  const waits = decl.waits === true;
  // Declared once here, checked once here: a handler that waits on views of a read buffer would
  // read whatever the next request put there.
  if (decl.handler && decl.handler instanceof AsyncFunction !== waits) {
    throw new Error(`command ${decl.name}: an async handler must declare waits: true, and only an async one may`);
  }
  return {
    ...decl,
    id: nextSpecId++,
    waits,
    keySpecs,
    legacyKeys: range,
    movableKeys: movable,
    categories: decl.categories ?? defaultCategories(decl.flags, decl.group, decl.dangerous === true),
    noAuth: decl.flags.includes('no_auth'),
    denyOom: decl.flags.includes('denyoom'),
    since: decl.since ?? '1.0.0',
  };
}

/** An AI.* command of the RedisAI v0.9 set: module group, since 0.9.0. */
export function aiCommand(decl: Omit<CommandDeclaration, 'group'>): CommandSpec {
  return command({ group: 'module', since: '0.9.0', ...decl });
}

function defaultCategories(flags: readonly CommandFlag[], group: CommandGroup, dangerous: boolean): string[] {
  const out: string[] = [];
  if (flags.includes('write')) out.push('@write');
  if (flags.includes('readonly')) out.push('@read');
  if (group === 'connection') out.push('@connection');
  if (group === 'generic') out.push('@keyspace');
  if (flags.includes('admin')) out.push('@admin', '@dangerous');
  else if (dangerous) out.push('@dangerous');
  out.push(flags.includes('fast') ? '@fast' : '@slow');
  if (group === 'module') out.push('@ai');
  return out;
}

/**
 * The command table: lookup by name (any case) through a Map, and the arity and
 * unknown-command errors Redis gives.
 */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly subByName = new Map<CommandSpec, Map<string, CommandSpec>>();
  /** Command names exactly as clients sent them, by length (index), so a lookup needs no string. */
  private readonly byBytes: ({ readonly name: Buffer; readonly spec: CommandSpec }[] | undefined)[] = [];
  private cachedNames = 0;

  constructor(readonly specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      const key = spec.name.toUpperCase();
      if (this.byName.has(key)) throw new Error(`command ${spec.name} is declared twice`);
      if (!spec.handler && !spec.subcommands) throw new Error(`command ${spec.name} has no handler`);
      this.byName.set(key, spec);
      // Clients send names in one case or the other; both hit the map without upper-casing.
      this.byName.set(spec.name.toLowerCase(), spec);
      if (spec.subcommands) {
        const subs = new Map<string, CommandSpec>();
        for (const sub of spec.subcommands) subs.set(subName(sub).toUpperCase(), sub);
        this.subByName.set(spec, subs);
      }
    }
  }

  get size(): number {
    return this.specs.length;
  }

  /** A top-level command by name, any case. */
  get(name: string): CommandSpec | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toUpperCase());
  }

  /** A top-level command by the bytes of its name, any case. */
  getByBytes(name: Buffer): CommandSpec | undefined {
    const length = name.length;
    const seen = length <= MAX_CACHED_NAME_BYTES ? this.byBytes[length] : undefined;
    if (seen !== undefined) {
      for (const e of seen) if (sameBytes(e.name, name, length)) return e.spec;
    }
    const spec = this.get(name.toString('latin1'));
    if (spec && length <= MAX_CACHED_NAME_BYTES && this.cachedNames < MAX_CACHED_NAMES) {
      this.cachedNames++;
      const entry = { name: Buffer.from(name), spec };
      if (seen) seen.push(entry);
      else this.byBytes[length] = [entry];
    }
    return spec;
  }

  /** A command or subcommand by its full name (`config|get`), any case. */
  getFull(fullName: string): CommandSpec | undefined {
    const [parent, sub] = fullName.split('|');
    const spec = this.get(parent!);
    if (!spec || sub === undefined) return spec;
    return this.subByName.get(spec)?.get(sub.toUpperCase());
  }

  /**
   * The command a request names: a subcommand when the command has them and one is given (a
   * container alone is itself, as in Redis's lookupCommand). Undefined when unknown.
   */
  find(argv: readonly Buffer[]): CommandSpec | undefined {
    const spec = this.getByBytes(argv[0]!);
    if (!spec?.subcommands || argv.length < 2) return spec;
    return this.subByName.get(spec)!.get(argv[1]!.toString('latin1').toUpperCase());
  }

  /**
   * Finds the command for a request and checks its arity. Returns the command, or the error
   * line Redis would send (unknown command, unknown subcommand, wrong arity).
   */
  lookup(argv: readonly Buffer[]): CommandSpec | string {
    const spec = this.getByBytes(argv[0]!);
    if (!spec) return unknownCommand(argv);
    if (spec.subcommands) {
      if (argv.length < 2) {
        // COMMAND alone is a command of its own; CLIENT alone is an arity error.
        if (spec.handler && arityOk(spec, argv.length)) return spec;
        return wrongArity(spec, argv).reply;
      }
      const sub = this.subByName.get(spec)!.get(argv[1]!.toString('latin1').toUpperCase());
      if (!sub) {
        return `ERR unknown subcommand '${truncate(argv[1]!.toString(), 128)}'. Try ${spec.name.toUpperCase()} HELP.`;
      }
      return arityOk(sub, argv.length) ? sub : wrongArity(sub, argv).reply;
    }
    return arityOk(spec, argv.length) ? spec : wrongArity(spec, argv).reply;
  }
}

/** Spellings of command names remembered (each a few bytes). */
const MAX_CACHED_NAMES = 256;
/** Longer names (none is) are looked up by their string. */
const MAX_CACHED_NAME_BYTES = 32;

/** Whether two names of `length` bytes are equal; from the end, where AI.TENSORGET and AI.TENSORSET differ. */
function sameBytes(a: Buffer, b: Buffer, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a request of `argc` arguments (the name counted) fits the command's arity. */
export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/**
 * Redis's arity error, for the table's check and for the counts a handler checks beyond it.
 * Redis names its own commands in lower case (`config|set` for a subcommand); a module's command
 * is named as the client typed it (RedisModule_WrongArity), which is what RedisAI's clients see.
 */
export function wrongArity(spec: CommandSpec, argv: readonly Buffer[]): ReplyError {
  const name = spec.flags.includes('module') ? argv[0]!.toString() : spec.name;
  return new ReplyError(`wrong number of arguments for '${name}' command`);
}

/** Redis's text, arguments quoted up to 128 chars in all. */
export function unknownCommand(argv: readonly Buffer[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${truncate(argv[i]!.toString(), 128 - args.length)}' `;
  }
  return `ERR unknown command '${truncate(argv[0]!.toString(), 128)}', with args beginning with: ${args}`;
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** `get` for `config|get`. */
export function subName(spec: CommandSpec): string {
  const bar = spec.name.indexOf('|');
  return bar === -1 ? spec.name : spec.name.slice(bar + 1);
}
