import type { CommandArgument } from './command-args.js';
import type { CommandSpec } from './command-table.js';
import type { KeySpec } from './key-specs.js';
import type { RespWriter } from './resp-writer.js';

/** One COMMAND INFO entry, in Redis 7's ten-element shape. */
export function writeCommandInfo(r: RespWriter, spec: CommandSpec): void {
  r.array(10);
  r.bulkString(spec.name);
  r.integer(spec.arity);
  writeFlags(r, spec);
  r.integer(spec.legacyKeys.firstKey);
  r.integer(spec.legacyKeys.lastKey);
  r.integer(spec.legacyKeys.step);
  r.set(spec.categories.length);
  for (const c of spec.categories) r.simple(c);
  r.set(0); // tips
  r.array(spec.keySpecs.length);
  for (const ks of spec.keySpecs) writeKeySpec(r, ks);
  const subs = spec.subcommands ?? [];
  r.array(subs.length);
  for (const sub of subs) writeCommandInfo(r, sub);
}

/** The declared flags, and `movablekeys` where clients must ask for the keys. */
function writeFlags(r: RespWriter, spec: CommandSpec): void {
  r.set(spec.flags.length + (spec.movableKeys ? 1 : 0));
  for (const f of spec.flags) r.simple(f);
  if (spec.movableKeys) r.simple('movablekeys');
}

/** A key spec as Redis 7 prints it: notes, flags, begin_search and find_keys maps. */
export function writeKeySpec(r: RespWriter, ks: KeySpec): void {
  r.map(ks.notes === undefined ? 3 : 4);
  if (ks.notes !== undefined) {
    r.bulkString('notes');
    r.bulkString(ks.notes);
  }
  r.bulkString('flags');
  r.set(ks.flags.length);
  for (const f of ks.flags) r.simple(f);

  r.bulkString('begin_search');
  const bs = ks.beginSearch;
  if (bs === 'unknown') {
    typeAndSpec(r, 'unknown', 0);
  } else if ('index' in bs) {
    typeAndSpec(r, 'index', 1);
    r.bulkString('index');
    r.integer(bs.index);
  } else {
    typeAndSpec(r, 'keyword', 2);
    r.bulkString('keyword');
    r.bulkString(bs.keyword);
    r.bulkString('startfrom');
    r.integer(bs.startFrom);
  }

  r.bulkString('find_keys');
  const fk = ks.findKeys;
  if (fk === 'unknown') {
    typeAndSpec(r, 'unknown', 0);
  } else if ('range' in fk) {
    typeAndSpec(r, 'range', 3);
    r.bulkString('lastkey');
    r.integer(fk.range.lastKey);
    r.bulkString('keystep');
    r.integer(fk.range.step);
    r.bulkString('limit');
    r.integer(fk.range.limit);
  } else {
    typeAndSpec(r, 'keynum', 3);
    r.bulkString('keynumidx');
    r.integer(fk.keynum.keyNumIdx);
    r.bulkString('firstkey');
    r.integer(fk.keynum.firstKey);
    r.bulkString('keystep');
    r.integer(fk.keynum.step);
  }
}

/** `{type: <type>, spec: {...}}`, leaving the spec map's `fields` pairs to the caller. */
function typeAndSpec(r: RespWriter, type: string, fields: number): void {
  r.map(2);
  r.bulkString('type');
  r.bulkString(type);
  r.bulkString('spec');
  r.map(fields);
}

/** One COMMAND DOCS value: summary, since, group, module, arguments and the subcommands' docs. */
export function writeCommandDocs(r: RespWriter, spec: CommandSpec): void {
  const subs = spec.subcommands ?? [];
  const isModule = spec.flags.includes('module');
  r.map(3 + (isModule ? 1 : 0) + (spec.arguments ? 1 : 0) + (subs.length > 0 ? 1 : 0));
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
  if (spec.arguments) {
    r.bulkString('arguments');
    writeArguments(r, spec.arguments);
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

/** Arguments as Redis 7's COMMAND DOCS prints them (addReplyCommandArgList), in its field order. */
function writeArguments(r: RespWriter, args: readonly CommandArgument[]): void {
  r.array(args.length);
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block';
    const docFlags = argumentFlags(a);
    const optional = [a.keySpecIndex, a.token, a.summary, a.since].filter((v) => v !== undefined).length;
    r.map(3 + optional + (docFlags.length > 0 ? 1 : 0));
    r.bulkString('name');
    r.bulkString(a.name);
    r.bulkString('type');
    r.bulkString(a.type);
    if (a.keySpecIndex !== undefined) {
      r.bulkString('key_spec_index');
      r.integer(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      r.bulkString('token');
      r.bulkString(a.token);
    }
    if (a.summary !== undefined) {
      r.bulkString('summary');
      r.bulkString(a.summary);
    }
    if (a.since !== undefined) {
      r.bulkString('since');
      r.bulkString(a.since);
    }
    if (docFlags.length > 0) {
      r.bulkString('flags');
      r.set(docFlags.length);
      for (const f of docFlags) r.simple(f);
    }
    if (nested) {
      r.bulkString('arguments');
      writeArguments(r, a.arguments ?? []);
    } else {
      r.bulkString('display_text');
      r.bulkString(a.displayText ?? a.name);
    }
  }
}

function argumentFlags(a: CommandArgument): string[] {
  const flags: string[] = [];
  if (a.optional) flags.push('optional');
  if (a.multiple) flags.push('multiple');
  if (a.multipleToken) flags.push('multiple_token');
  return flags;
}
