import type { CommandSpec } from './command-table.js';
import type { RespWriter } from './resp-writer.js';

/** One COMMAND INFO entry, in Redis 7's ten-element shape. */
export function writeCommandInfo(r: RespWriter, spec: CommandSpec): void {
  r.array(10);
  r.bulkString(spec.name);
  r.integer(spec.arity);
  r.set(spec.flags.length);
  for (const f of spec.flags) r.simple(f);
  r.integer(spec.firstKey);
  r.integer(spec.lastKey);
  r.integer(spec.step);
  r.set(spec.categories.length);
  for (const c of spec.categories) r.simple(c);
  r.set(0); // tips
  writeKeySpecs(r, spec);
  const subs = spec.subcommands ?? [];
  r.array(subs.length);
  for (const sub of subs) writeCommandInfo(r, sub);
}

/** The key specification Redis 7 derives from first/last/step: one index + range spec. */
function writeKeySpecs(r: RespWriter, spec: CommandSpec): void {
  if (spec.firstKey <= 0) {
    r.array(0);
    return;
  }
  const flags = spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'];
  r.array(1);
  r.map(3);
  r.bulkString('flags');
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.bulkString('begin_search');
  r.map(2);
  r.bulkString('type');
  r.bulkString('index');
  r.bulkString('spec');
  r.map(1);
  r.bulkString('index');
  r.integer(spec.firstKey);
  r.bulkString('find_keys');
  r.map(2);
  r.bulkString('type');
  r.bulkString('range');
  r.bulkString('spec');
  r.map(3);
  r.bulkString('lastkey');
  r.integer(spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey);
  r.bulkString('keystep');
  r.integer(spec.step);
  r.bulkString('limit');
  r.integer(0);
}

/** One COMMAND DOCS value: summary, since, group, and the subcommands' docs. */
export function writeCommandDocs(r: RespWriter, spec: CommandSpec): void {
  const subs = spec.subcommands ?? [];
  const isModule = spec.flags.includes('module');
  r.map(3 + (isModule ? 1 : 0) + (subs.length > 0 ? 1 : 0));
  r.bulkString('summary');
  r.bulkString(spec.summary);
  r.bulkString('since');
  r.bulkString(spec.since);
  r.bulkString('group');
  r.bulkString(spec.group);
  if (isModule) {
    r.bulkString('module');
    r.bulkString('ai');
  }
  if (subs.length > 0) {
    r.bulkString('subcommands');
    r.map(subs.length);
    for (const sub of subs) {
      r.bulkString(sub.name);
      writeCommandDocs(r, sub);
    }
  }
}

/** The key arguments of a request, from the command's first/last/step. */
export function commandKeys(spec: CommandSpec, argv: readonly Buffer[]): Buffer[] {
  if (spec.firstKey <= 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const keys: Buffer[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += Math.max(1, spec.step)) keys.push(argv[i]!);
  return keys;
}
