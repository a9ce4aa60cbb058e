import { globMatch } from '@modelkv/core';

/** A test of a key's bytes against a glob pattern. */
export type KeyMatcher = (key: Buffer) => boolean;

/** Bytes that make a glob pattern more than a literal (`\\` escapes). */
const SPECIAL = /[*?[\\]/;

function startsWith(key: Buffer, prefix: Buffer): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * A matcher for an ACL key pattern (latin1, one char per byte), checked on every key of every
 * command a restricted user runs: the common forms (`*`, a literal, `prefix*`) compare bytes in
 * place; any other pattern goes through Redis's glob matching.
 */
export function keyMatcher(pattern: string): KeyMatcher {
  if (pattern === '*') return () => true;
  const body = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  if (!SPECIAL.test(body)) {
    const bytes = Buffer.from(body, 'latin1');
    if (body.length < pattern.length) return (key) => startsWith(key, bytes);
    return (key) => key.length === bytes.length && startsWith(key, bytes);
  }
  return (key) => globMatch(pattern, key.toString('latin1'));
}
