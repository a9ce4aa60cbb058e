// Mutations of model blobs and script sources: the kinds of damage a hostile or broken client
// sends. Each takes the seed and a generator and returns a new input, with a word for the report.
import type { Rng } from './rng.js';
import { readZip, writeZip } from './zip.js';

export interface Mutant {
  readonly kind: string;
  readonly data: Buffer;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20];

/** Random bytes, a truncation, flipped or overwritten bytes, a chunk moved or repeated. */
export function mutateBytes(seed: Buffer, rng: Rng): Mutant {
  const b = Buffer.from(seed);
  switch (rng.int(0, 5)) {
    case 0:
      return { kind: 'random bytes', data: rng.bytes(rng.int(1, 2048)) };
    case 1:
      return { kind: 'truncated', data: b.subarray(0, rng.int(0, Math.max(0, b.length - 1))) };
    case 2: {
      for (let n = rng.int(1, 8); n > 0; n--) {
        const i = rng.int(0, b.length - 1);
        b[i] = b[i]! ^ (1 << rng.int(0, 7));
      }
      return { kind: 'bit flips', data: b };
    }
    case 3: {
      for (let n = rng.int(1, 8); n > 0; n--) b[rng.int(0, b.length - 1)] = rng.pick(INTERESTING);
      return { kind: 'byte overwrites', data: b };
    }
    case 4: {
      const from = rng.int(0, b.length - 1);
      const chunk = b.subarray(from, from + rng.int(1, 64));
      const at = rng.int(0, b.length);
      return { kind: 'chunk inserted', data: Buffer.concat([b.subarray(0, at), chunk, b.subarray(at)]) };
    }
    default: {
      const from = rng.int(0, b.length - 1);
      const to = Math.min(b.length, from + rng.int(1, 64));
      return { kind: 'chunk removed', data: Buffer.concat([b.subarray(0, from), b.subarray(to)]) };
    }
  }
}

/**
 * A TorchScript archive with one of its files damaged (bit flips, overwrites, truncation) and
 * the zip written again, so that every CRC is valid and the damage reaches libtorch's parsers.
 */
export function mutateInZip(seed: Buffer, rng: Rng): Mutant {
  const entries = readZip(seed);
  const victim = rng.int(0, entries.length - 1);
  const target = entries[victim]!;
  const data = Buffer.from(target.data);
  let how: string;
  if (data.length > 0 && rng.next() < 0.8) {
    how = rng.next() < 0.5 ? 'bit flips' : 'byte overwrites';
    for (let n = rng.int(1, 4); n > 0; n--) {
      const i = rng.int(0, data.length - 1);
      data[i] = how === 'bit flips' ? data[i]! ^ (1 << rng.int(0, 7)) : rng.pick(INTERESTING);
    }
  } else {
    how = 'truncated';
  }
  const changed = how === 'truncated' ? data.subarray(0, rng.int(0, Math.max(0, data.length - 1))) : data;
  const name = target.name.slice(target.name.indexOf('/') + 1);
  const out = entries.map((e, i) => (i === victim ? { name: e.name, data: changed } : e));
  return { kind: `in-zip ${how} (${name})`, data: writeZip(out) };
}

const TOKENS = [
  '(',
  ')',
  '[',
  ']',
  ':',
  ',',
  '+',
  '-',
  '*',
  '.',
  '\n',
  '    ',
  'def ',
  'return ',
  'while True:',
  'if ',
  'for i in range(',
  'torch.',
  'a',
  'b',
  '0',
  '1e308',
  '-1',
  '"x"',
  'None',
  'lambda',
  'assert ',
  'import os',
  '@torch.jit.script',
  '#',
];

/** A deeply nested expression: parentheses, brackets, unary minus or `not`, thousands deep. */
export function nested(rng: Rng): Mutant {
  const depth = rng.int(500, 20_000);
  const [open, close] = rng.pick([
    ['(', ')'],
    ['[', ']'],
    ['-(', ')'],
    ['not (', ')'],
    ['(a + ', ')'],
  ] as const);
  const body = `${open.repeat(depth)}a${close.repeat(depth)}`;
  return { kind: `nested ${depth} deep`, data: Buffer.from(`def f(a, b):\n    return ${body}\n`) };
}

/** A TorchScript source with tokens inserted, lines repeated or removed, or nested thousands deep. */
export function mutateScript(seed: Buffer, rng: Rng): Mutant {
  const source = seed.toString('utf8');
  const r = rng.next();
  if (r < 0.05) return nested(rng);
  if (r < 0.1) return mutateBytes(seed, rng);
  const lines = source.split('\n');
  if (r < 0.3) {
    const i = rng.int(0, lines.length - 1);
    if (rng.next() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, ...lines.slice(i, i + rng.int(1, 4)));
    return { kind: 'lines moved', data: Buffer.from(lines.join('\n')) };
  }
  let text = source;
  for (let n = rng.int(1, 6); n > 0; n--) {
    const at = rng.int(0, text.length);
    text = rng.next() < 0.7 ? text.slice(0, at) + rng.pick(TOKENS) + text.slice(at) : text.slice(0, at) + text.slice(at + rng.int(1, 8));
  }
  return { kind: 'tokens changed', data: Buffer.from(text) };
}
