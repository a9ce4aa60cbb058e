/**
 * A command's arguments as COMMAND DOCS describes them (Redis 7's `"arguments"` in
 * `src/commands/*.json`). A `key` argument names the key spec that finds it, so the docs and
 * the key specs cannot drift apart: `checkArguments` refuses a declaration where they do.
 */

export type ArgumentType = 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';

export interface CommandArgument {
  readonly name: string;
  readonly type: ArgumentType;
  /** For a `key`: the index of the command's key spec that finds it. */
  readonly keySpecIndex?: number;
  /** The word before the value (`BLOB data`), or the word itself for a `pure-token`. */
  readonly token?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  /** The token is repeated with each value. */
  readonly multipleToken?: boolean;
  readonly summary?: string;
  readonly since?: string;
  /** Default: the name. */
  readonly displayText?: string;
  /** The choices of a `oneof`, the parts of a `block`. */
  readonly arguments?: readonly CommandArgument[];
}

/** A `oneof` of words (`BLOB | VALUES | META`). */
export function oneOfTokens(name: string, tokens: readonly string[], optional?: boolean): CommandArgument {
  return {
    name,
    type: 'oneof',
    optional,
    arguments: tokens.map((token) => ({ name: token.toLowerCase(), type: 'pure-token', token })),
  };
}

/**
 * Throws unless every `key` argument names an existing key spec, every key spec is named by
 * one, and only `oneof` and `block` arguments (and all of them) have arguments of their own.
 */
export function checkArguments(command: string, args: readonly CommandArgument[], keySpecCount: number): void {
  const named = new Set<number>();
  const visit = (list: readonly CommandArgument[]): void => {
    for (const a of list) {
      const bad = (why: string): Error => new Error(`command ${command}: argument '${a.name}': ${why}`);
      const nested = a.type === 'oneof' || a.type === 'block';
      if (nested !== (a.arguments !== undefined && a.arguments.length > 0)) throw bad('oneof and block, and only they, have arguments');
      if (a.type === 'pure-token' && a.token === undefined) throw bad('a pure-token needs its token');
      if ((a.type === 'key') !== (a.keySpecIndex !== undefined)) throw bad('a key, and only a key, names its key spec');
      if (a.keySpecIndex !== undefined) {
        if (!Number.isInteger(a.keySpecIndex) || a.keySpecIndex < 0 || a.keySpecIndex >= keySpecCount) {
          throw bad(`there is no key spec ${a.keySpecIndex}`);
        }
        named.add(a.keySpecIndex);
      }
      if (a.arguments) visit(a.arguments);
    }
  };
  visit(args);
  for (let i = 0; i < keySpecCount; i++) {
    if (!named.has(i)) throw new Error(`command ${command}: key spec ${i} is not named by any key argument`);
  }
}
