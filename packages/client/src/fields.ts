import { UnexpectedReplyError } from './errors.js';
import { replyArray, replyText } from './reply.js';

/**
 * A field/value reply (RedisAI 1.x's AI.INFO, AI.MODELGET META, ...) as a map from lower-cased
 * field names: from the flat array RESP2 and RedisAI send, or from a RESP3 map as node-redis
 * renders it (a Map, or an object).
 */
export function replyFields(reply: unknown, what: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (reply instanceof Map) {
    for (const [k, v] of reply) out.set(replyText(k, `${what} field`).toLowerCase(), v);
    return out;
  }
  if (reply !== null && typeof reply === 'object' && !Array.isArray(reply) && !Buffer.isBuffer(reply)) {
    for (const [k, v] of Object.entries(reply)) out.set(k.toLowerCase(), v);
    return out;
  }
  const flat = replyArray(reply, what);
  if (flat.length % 2 !== 0) throw new UnexpectedReplyError(`${what}: expected field/value pairs, got ${flat.length} elements`);
  for (let i = 0; i < flat.length; i += 2) out.set(replyText(flat[i], `${what} field`).toLowerCase(), flat[i + 1]);
  return out;
}

/** The value of a field that must be there. */
export function field(fields: ReadonlyMap<string, unknown>, name: string, what: string): unknown {
  if (!fields.has(name)) throw new UnexpectedReplyError(`${what}: the reply has no ${name} field`);
  return fields.get(name);
}

/** Whether a reply element is the field name `name` (any case): tells 1.x's field/value replies from v0.9's positional ones. */
export function isFieldName(value: unknown, name: string): boolean {
  if (typeof value === 'string' || Buffer.isBuffer(value) || value instanceof String) {
    return value.toString().toLowerCase() === name;
  }
  return false;
}

/** An array of strings (node names, entry points). */
export function replyStrings(value: unknown, what: string): string[] {
  return replyArray(value, what).map((v) => replyText(v, what));
}

/** `[[key, tag], ...]`, as AI._MODELSCAN and AI._SCRIPTSCAN answer. */
export function decodeTaggedKeys(reply: unknown, what: string): { key: string; tag: string }[] {
  return replyArray(reply, what).map((pair) => {
    const [key, tag] = replyArray(pair, what);
    return { key: replyText(key, `${what} key`), tag: replyText(tag, `${what} tag`) };
  });
}
