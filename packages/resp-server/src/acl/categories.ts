/**
 * ACL categories: Redis's, in Redis's order (ACL CAT), and `ai` for the RedisAI commands. A
 * command's categories come from its declaration in the command table (see command-table.ts).
 * Categories without commands here (`hash`, `stream`, ...) are accepted in rules, as Redis
 * accepts them, so that ACL files and clients written for Redis work unchanged.
 */
export const ACL_CATEGORIES: readonly string[] = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
  'ai',
];

const KNOWN = new Set(ACL_CATEGORIES);

/** The category a rule names (`read` for `+@read`, any case), or undefined when it is not one. */
export function aclCategory(name: string): string | undefined {
  const lower = name.toLowerCase();
  return KNOWN.has(lower) ? lower : undefined;
}
