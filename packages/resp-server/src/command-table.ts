import { ReplyError } from '@modelkv/core';
import type { CommandContext } from './context.js';

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
  | 'allow_busy';

export type CommandGroup = 'connection' | 'generic' | 'server' | 'module';

export type CommandHandler = (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>;

/**
 * One command, declared once: everything about it (arity checks, COMMAND INFO, COMMAND DOCS,
 * key positions) derives from this.
 */
export interface CommandSpec {
  /** Lower-case name as COMMAND reports it; subcommands are named `parent|sub`. */
  readonly name: string;
  /** Redis convention, counting the command name: N exactly N arguments, -N at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Position of the first key argument (0: none), the last (-1: the last argument), the step. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** ACL categories, e.g. `@read`, `@fast`. */
  readonly categories: readonly string[];
  readonly summary: string;
  readonly since: string;
  readonly group: CommandGroup;
  /** A container command (CLIENT, CONFIG, COMMAND) dispatches on its first argument. */
  readonly subcommands?: readonly CommandSpec[];
  /** Absent only for containers, whose subcommands have handlers. */
  readonly handler?: CommandHandler;
}

/** Fields a declaration may leave out. */
export type CommandDeclaration = Omit<CommandSpec, 'firstKey' | 'lastKey' | 'step' | 'categories' | 'since'> &
  Partial<Pick<CommandSpec, 'firstKey' | 'lastKey' | 'step' | 'categories' | 'since'>>;

/** Fills the defaults of a declaration: no keys, since 1.0.0, categories from flags. */
export function command(decl: CommandDeclaration): CommandSpec {
  const categories = decl.categories ?? defaultCategories(decl.flags, decl.group);
  return {
    firstKey: 0,
    lastKey: 0,
    step: 0,
    since: '1.0.0',
    ...decl,
    categories,
  };
}

/** An AI.* command of the RedisAI v0.9 set: module group, and by default one key at argv[1]. */
export function aiCommand(decl: Omit<CommandDeclaration, 'group'>): CommandSpec {
  return command({ group: 'module', since: '0.9.0', firstKey: 1, lastKey: 1, step: 1, ...decl });
}

function defaultCategories(flags: readonly CommandFlag[], group: CommandGroup): string[] {
  const out: string[] = [];
  if (flags.includes('write')) out.push('@write');
  if (flags.includes('readonly')) out.push('@read');
  if (group === 'connection') out.push('@connection');
  if (group === 'generic') out.push('@keyspace');
  if (flags.includes('admin')) out.push('@admin', '@dangerous');
  out.push(flags.includes('fast') ? '@fast' : '@slow');
  return out;
}

/**
 * The command table: lookup by name (any case) through a Map, and the arity and
 * unknown-command errors Redis gives.
 */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly subByName = new Map<CommandSpec, Map<string, CommandSpec>>();
  /** Command names exactly as clients sent them, by length, so a lookup needs no string. */
  private readonly byBytes = new Map<number, { readonly name: Buffer; readonly spec: CommandSpec }[]>();
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
    const seen = this.byBytes.get(name.length);
    if (seen) {
      for (const e of seen) if (sameBytes(e.name, name)) return e.spec;
    }
    const spec = this.get(name.toString('latin1'));
    if (spec && this.cachedNames < MAX_CACHED_NAMES) {
      this.cachedNames++;
      const entry = { name: Buffer.from(name), spec };
      if (seen) seen.push(entry);
      else this.byBytes.set(name.length, [entry]);
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

function sameBytes(a: Buffer, b: Buffer): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
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
