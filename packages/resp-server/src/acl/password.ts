import { createHash, timingSafeEqual } from 'node:crypto';

/** A password as ACL stores it: the SHA-256 of its bytes in lower-case hex, as Redis stores it. */
export function hashPassword(password: Buffer): string {
  return createHash('sha256').update(password).digest('hex');
}

/** Whether `text` is a hash as `#<hash>` takes it: 64 lower-case hex digits. */
export function isPasswordHash(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}

/**
 * Whether `password` is one of `hashes`. Every stored hash is compared in full, in constant time,
 * so the time taken tells nothing about which one matched or how much of it did.
 */
export function passwordMatches(password: Buffer, hashes: readonly string[]): boolean {
  const given = Buffer.from(hashPassword(password), 'latin1');
  let found = false;
  for (const h of hashes) {
    if (timingSafeEqual(given, Buffer.from(h, 'latin1'))) found = true;
  }
  return found;
}
