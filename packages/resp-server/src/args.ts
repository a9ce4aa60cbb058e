import { Buffer } from 'node:buffer';
import { ReplyError } from '@modelkv/core';
import { isReadBufferView } from './read-buffer.js';

/**
 * Parses a decimal integer with the rules Redis's string2ll applies: an optional `-`, no `+`,
 * no spaces, no leading zeros. Returns undefined for anything else or beyond ±2^53.
 */
export function parseStrictInt(buf: Buffer, start = 0, end = buf.length): number | undefined {
  let i = start;
  if (i >= end) return undefined;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return undefined;
  }
  const first = buf[i]!;
  if (first === 0x30) return i + 1 === end && !negative ? 0 : undefined;
  if (first < 0x31 || first > 0x39) return undefined;
  // 15 digits always fit a double exactly; longer numbers are beyond any length we accept.
  if (end - i > 15) return undefined;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return negative ? -v : v;
}

/** An integer argument, or Redis's `value is not an integer or out of range`. */
export function intArg(buf: Buffer): number {
  const v = parseStrictInt(buf);
  if (v === undefined) throw new ReplyError('value is not an integer or out of range');
  return v;
}

/** Compares an argument with an upper-case ASCII word, ignoring case, without allocating. */
export function isWord(buf: Buffer | undefined, upperWord: string): boolean {
  if (buf?.length !== upperWord.length) return false;
  for (let i = 0; i < buf.length; i++) {
    let c = buf[i]!;
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== upperWord.charCodeAt(i)) return false;
  }
  return true;
}

/** An argument as text (UTF-8). */
export function str(buf: Buffer): string {
  return buf.toString('utf8');
}

export function upper(buf: Buffer): string {
  return buf.toString('latin1').toUpperCase();
}

export function syntaxError(): ReplyError {
  return new ReplyError('syntax error');
}

/**
 * A buffer the keyspace may keep. An argument that views the connection's read buffer is copied,
 * since the next read overwrites it; so is a small slice of a much larger allocation, so that
 * storing it does not pin the whole allocation, and one at an offset that is not 8-byte aligned,
 * so that backends can view tensor data as typed arrays. Arguments the parser gave a buffer of
 * their own (long bulk strings) are kept as they are.
 */
export function ownBuffer(buf: Buffer): Buffer {
  if (!isReadBufferView(buf) && buf.byteOffset % 8 === 0 && buf.buffer.byteLength <= 2 * buf.length + 1024) return buf;
  // allocUnsafe hands out 8-byte aligned memory (small sizes from Node's pool). Buffer is
  // imported: the global one is a getter, read through an inline cache miss on every call.
  const copy = Buffer.allocUnsafe(buf.length);
  // TypedArray#set, not Buffer#copy: the same memmove without Node's argument handling.
  copy.set(buf);
  return copy;
}

/**
 * Parses a memory amount as redis.conf does: `1024`, `64kb`, `512mb`, `1gb` (kb = 1024 bytes,
 * k = 1000 bytes). Returns undefined when it is not one.
 */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return undefined;
  const units: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  const v = Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]!;
  return Number.isSafeInteger(v) ? v : undefined;
}

/** `yes` or `no`, any case, as Redis's boolean configs take them. */
export function parseYesNo(v: string): boolean | undefined {
  const w = v.toLowerCase();
  return w === 'yes' ? true : w === 'no' ? false : undefined;
}
