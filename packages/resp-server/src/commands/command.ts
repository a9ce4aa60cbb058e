import { ReplyError, globMatch } from '@modelkv/core';
import { isWord, syntaxError } from '../args.js';
import { commandKeys } from '../command-keys.js';
import { type CommandSpec, arityOk, command as declare } from '../command-table.js';
import { writeCommandDocs, writeCommandInfo } from '../command-info.js';
import { KeyFlag, keyFlagNames } from '../key-specs.js';
import type { CommandContext } from '../context.js';
import { helpReply } from './help.js';

function allInfo(ctx: CommandContext): void {
  const specs = ctx.server.commands.specs;
  ctx.reply.array(specs.length);
  for (const spec of specs) writeCommandInfo(ctx.reply, spec);
}

function info(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length === 2) {
    allInfo(ctx);
    return;
  }
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const spec = ctx.server.commands.getFull(argv[i]!.toString('latin1'));
    if (spec) writeCommandInfo(ctx.reply, spec);
    else ctx.reply.nullArray();
  }
}

function docs(ctx: CommandContext, argv: Buffer[]): void {
  const table = ctx.server.commands;
  const specs: CommandSpec[] = [];
  if (argv.length === 2) specs.push(...table.specs);
  for (let i = 2; i < argv.length; i++) {
    const spec = table.getFull(argv[i]!.toString('latin1'));
    if (spec) specs.push(spec);
  }
  ctx.reply.map(specs.length);
  for (const spec of specs) {
    ctx.reply.bulkString(spec.name);
    writeCommandDocs(ctx.reply, spec);
  }
}

function list(ctx: CommandContext, argv: Buffer[]): void {
  let keep: (spec: CommandSpec) => boolean = () => true;
  if (argv.length > 2) {
    if (argv.length !== 5 || !isWord(argv[2], 'FILTERBY')) throw syntaxError();
    const value = argv[4]!.toString();
    if (isWord(argv[3], 'MODULE')) keep = (s) => s.flags.includes('module') && value.toLowerCase() === 'ai';
    else if (isWord(argv[3], 'ACLCAT')) keep = (s) => s.categories.includes(`@${value.toLowerCase()}`);
    else if (isWord(argv[3], 'PATTERN')) keep = (s) => globMatch(value.toLowerCase(), s.name);
    else throw syntaxError();
  }
  const names: string[] = [];
  for (const spec of ctx.server.commands.specs) {
    if (keep(spec)) names.push(spec.name);
    for (const sub of spec.subcommands ?? []) if (keep(sub)) names.push(sub.name);
  }
  ctx.reply.array(names.length);
  for (const n of names) ctx.reply.bulkString(n);
}

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS <command> [args...], with Redis's checks in Redis's order:
 * an unknown command, one without keys, a wrong argument count, then arguments naming no keys.
 */
function getKeys(ctx: CommandContext, argv: Buffer[], withFlags: boolean): void {
  const request = argv.slice(2);
  const spec = ctx.server.commands.find(request);
  if (!spec) throw new ReplyError('Invalid command specified');
  if (!hasKeys(spec)) throw new ReplyError('The command has no key arguments');
  if (!arityOk(spec, request.length)) throw new ReplyError('Invalid number of arguments specified for command');
  const keys = commandKeys(spec, request);
  if (keys.length === 0 && !spec.flags.includes('no_mandatory_keys')) throw new ReplyError('Invalid arguments specified for command');
  const r = ctx.reply;
  r.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      r.bulk(k.key);
      continue;
    }
    r.array(2);
    r.bulk(k.key);
    const names = keyFlagNames(k.flags);
    r.set(names.length);
    for (const n of names) r.simple(n);
  }
}

/** Whether a command can have keys at all (Redis's doesCommandHaveKeys). */
function hasKeys(spec: CommandSpec): boolean {
  return spec.keys !== undefined || spec.keySpecs.some((k) => !(k.bits & KeyFlag.NOT_KEY));
}

const sub = (decl: Omit<Parameters<typeof declare>[0], 'group'>): CommandSpec => declare({ group: 'server', ...decl });

export const command = declare({
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  group: 'server',
  since: '2.8.13',
  summary: 'Returns detailed information about all commands.',
  handler: allInfo,
  subcommands: [
    sub({
      name: 'command|count',
      arity: 2,
      flags: ['loading', 'stale'],
      since: '2.8.13',
      summary: 'Returns a count of commands.',
      handler: (ctx) => {
        ctx.reply.integer(ctx.server.commands.size);
      },
    }),
    sub({
      name: 'command|info',
      arity: -2,
      flags: ['loading', 'stale'],
      since: '2.8.13',
      summary: 'Returns information about one, multiple or all commands.',
      handler: info,
    }),
    sub({
      name: 'command|docs',
      arity: -2,
      flags: ['loading', 'stale'],
      since: '7.0.0',
      summary: 'Returns documentary information about one, multiple or all commands.',
      handler: docs,
    }),
    sub({
      name: 'command|list',
      arity: -2,
      flags: ['loading', 'stale'],
      since: '7.0.0',
      summary: 'Returns a list of command names.',
      handler: list,
    }),
    sub({
      name: 'command|getkeys',
      arity: -3,
      flags: ['loading', 'stale'],
      since: '2.8.13',
      summary: 'Extracts the key names from an arbitrary command.',
      handler: (ctx, argv) => {
        getKeys(ctx, argv, false);
      },
    }),
    sub({
      name: 'command|getkeysandflags',
      arity: -3,
      flags: ['loading', 'stale'],
      since: '7.0.0',
      summary: 'Extracts the key names and access flags for an arbitrary command.',
      handler: (ctx, argv) => {
        getKeys(ctx, argv, true);
      },
    }),
    sub({
      name: 'command|help',
      arity: 2,
      flags: ['loading', 'stale'],
      since: '5.0.0',
      summary: 'Returns helpful text about the different subcommands.',
      handler: (ctx) => {
        helpReply(ctx, 'COMMAND', [
          '(no subcommand)',
          '    Return details about all commands.',
          'COUNT',
          '    Return the total number of commands in this server.',
          'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
          '    Return a list of all commands in this server.',
          'INFO [<command-name> ...]',
          '    Return details about multiple commands.',
          'DOCS [<command-name> ...]',
          '    Return documentation details about multiple commands.',
          'GETKEYS <full-command>',
          '    Return the keys from a full command.',
          'GETKEYSANDFLAGS <full-command>',
          '    Return the keys and the access flags from a full command.',
        ]);
      },
    }),
  ],
});
