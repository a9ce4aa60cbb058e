import type { CommandContext } from './context.js';

/**
 * Which RedisAI the server answers like where the two differ for the same request: `0.9` (the
 * specification, the default) or `1.2`. Requests that mean one thing only (the 1.2 commands,
 * TENSORGET with META and a format) work the same in both.
 */
export type Compat = '0.9' | '1.2';

export const COMPAT_VERSIONS: readonly Compat[] = ['0.9', '1.2'];

export function parseCompat(word: string): Compat | undefined {
  return (COMPAT_VERSIONS as readonly string[]).includes(word) ? (word as Compat) : undefined;
}

export function compatOf(ctx: CommandContext): Compat {
  return ctx.server.config.settings.redisaiCompat;
}

/** Where a key without a value was expected to hold one. */
export type KeyUse = 'tensorget' | 'input' | 'modelget' | 'modeldel' | 'modelrun' | 'scriptget' | 'scriptdel' | 'scriptrun';

/** The reference's error for an empty key, per version (clients match on these words). */
const EMPTY_KEY: Record<Compat, Record<KeyUse, string>> = {
  '0.9': {
    tensorget: 'cannot get tensor from empty key',
    input: 'Input key is empty',
    modelget: 'cannot get model from empty key',
    modeldel: 'no model at key',
    modelrun: 'model key is empty',
    scriptget: 'cannot get script from empty key',
    scriptdel: 'no script at key',
    scriptrun: 'script key is empty',
  },
  '1.2': {
    tensorget: 'tensor key is empty or in a different shard',
    input: 'tensor key is empty or in a different shard',
    modelget: 'model key is empty',
    modeldel: 'model key is empty',
    modelrun: 'model key is empty',
    scriptget: 'script key is empty',
    scriptdel: 'script key is empty',
    scriptrun: 'script key is empty',
  },
};

export function emptyKeyMessage(ctx: CommandContext, use: KeyUse): string {
  return EMPTY_KEY[compatOf(ctx)][use];
}

/** The words of commands that exist in 1.2 only, which answer the same in both modes. */
export const EMPTY_KEY_1_2: Readonly<Record<KeyUse, string>> = EMPTY_KEY['1.2'];
