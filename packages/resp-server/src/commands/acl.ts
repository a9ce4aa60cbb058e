import { randomBytes } from 'node:crypto';
import { ReplyError } from '@modelkv/core';
import { ACL_CATEGORIES, aclCategory } from '../acl/categories.js';
import { dryRun } from '../admission.js';
import { isWord, parseStrictInt } from '../args.js';
import { type CommandDeclaration, type CommandSpec, arityOk, command, wrongArity } from '../command-table.js';
import type { CommandContext } from '../context.js';
import { helpReply } from './help.js';

const NO_ACL_FILE =
  'This instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then start the server with --aclfile to store them.';

function latin1(buf: Buffer): string {
  return buf.toString('latin1');
}

function setUser(ctx: CommandContext, argv: Buffer[]): void {
  const name = latin1(argv[2]!);
  ctx.server.acl.setUser(name, argv.slice(3).map(latin1));
  // The rules may hold passwords: only the name is logged.
  ctx.server.logger.notice('ACL user set', { user: name, by: ctx.client.user.name, client: ctx.client.id });
  ctx.reply.ok();
}

function delUser(ctx: CommandContext, argv: Buffer[]): void {
  const removed = ctx.server.acl.deleteUsers(argv.slice(2).map(latin1));
  ctx.server.disconnectUsers(removed);
  for (const u of removed) ctx.server.logger.notice('ACL user deleted', { user: u.name, by: ctx.client.user.name, client: ctx.client.id });
  ctx.reply.integer(removed.length);
}

function getUser(ctx: CommandContext, argv: Buffer[]): void {
  const name = latin1(argv[2]!);
  const user = ctx.server.acl.get(name);
  if (!user) throw new ReplyError(`Can not find user '${name}' in ACL`);
  const r = ctx.reply;
  r.map(6);
  r.bulkString('flags');
  const flags = user.flags();
  r.set(flags.length);
  for (const f of flags) r.bulkString(f);
  r.bulkString('passwords');
  r.array(user.passwords.length);
  for (const h of user.passwords) r.bulkString(h);
  r.bulkString('commands');
  r.bulkLatin1(user.commandsDescription());
  r.bulkString('keys');
  r.bulkLatin1(user.keysDescription());
  r.bulkString('channels');
  r.bulkLatin1(user.channelsDescription());
  r.bulkString('selectors');
  r.array(0);
}

function list(ctx: CommandContext): void {
  const lines = ctx.server.acl.describeAll();
  ctx.reply.array(lines.length);
  for (const l of lines) ctx.reply.bulkLatin1(l);
}

function users(ctx: CommandContext): void {
  const all = ctx.server.acl.all();
  ctx.reply.array(all.length);
  for (const u of all) ctx.reply.bulkLatin1(u.name);
}

function aclFile(ctx: CommandContext): string {
  const file = ctx.server.config.settings.aclFile;
  if (file === '') throw new ReplyError(NO_ACL_FILE);
  return file;
}

function load(ctx: CommandContext): void {
  const file = aclFile(ctx);
  const dropped = ctx.server.acl.loadFile(file);
  ctx.server.disconnectUsers(dropped);
  ctx.server.logger.notice('ACL users loaded', {
    file,
    users: ctx.server.acl.all().length,
    by: ctx.client.user.name,
    client: ctx.client.id,
  });
  ctx.reply.ok();
}

function save(ctx: CommandContext): void {
  const file = aclFile(ctx);
  try {
    ctx.server.acl.saveFile(file);
  } catch (err) {
    ctx.server.logger.warning('ACL SAVE failed', { file, error: (err as Error).message });
    throw new ReplyError('There was an error trying to save the ACLs. Please check the server logs for more information');
  }
  ctx.server.logger.notice('ACL users saved', { file, by: ctx.client.user.name, client: ctx.client.id });
  ctx.reply.ok();
}

function cat(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length === 2) {
    ctx.reply.array(ACL_CATEGORIES.length);
    for (const c of ACL_CATEGORIES) ctx.reply.bulkString(c);
    return;
  }
  const word = argv[2]!.toString();
  const category = aclCategory(word);
  if (category === undefined) throw new ReplyError(`Unknown category '${word.slice(0, 128)}'`);
  const names: string[] = [];
  for (const spec of ctx.server.commands.specs) {
    if (spec.categories.includes(`@${category}`)) names.push(spec.name);
    for (const sub of spec.subcommands ?? []) if (sub.categories.includes(`@${category}`)) names.push(sub.name);
  }
  ctx.reply.array(names.length);
  for (const n of names) ctx.reply.bulkString(n);
}

const GENPASS_MAX_BITS = 4096;

function genpass(ctx: CommandContext, argv: Buffer[]): void {
  let bits = 256;
  if (argv.length === 3) {
    const n = parseStrictInt(argv[2]!);
    if (n === undefined) throw new ReplyError('value is not an integer or out of range');
    bits = n;
  }
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    throw new ReplyError(
      `ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`,
    );
  }
  const chars = Math.ceil(bits / 4);
  ctx.reply.bulkString(
    randomBytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars),
  );
}

function log(ctx: CommandContext, argv: Buffer[]): void {
  let count = 10;
  if (argv.length === 3) {
    if (isWord(argv[2], 'RESET')) {
      ctx.server.aclLog.reset();
      ctx.reply.ok();
      return;
    }
    const n = parseStrictInt(argv[2]!);
    if (n === undefined) throw new ReplyError('value is not an integer or out of range');
    count = Math.max(0, n);
  }
  const entries = ctx.server.aclLog.newest(count);
  const now = Date.now();
  const r = ctx.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.map(10);
    r.bulkString('count');
    r.integer(e.count);
    r.bulkString('reason');
    r.bulkString(e.reason);
    r.bulkString('context');
    r.bulkString(e.context);
    r.bulkString('object');
    r.bulkLatin1(e.object);
    r.bulkString('username');
    r.bulkLatin1(e.username);
    r.bulkString('age-seconds');
    r.double((now - e.updatedAt) / 1000);
    r.bulkString('client-info');
    r.bulkLatin1(e.clientInfo);
    r.bulkString('entry-id');
    r.integer(e.entryId);
    r.bulkString('timestamp-created');
    r.integer(e.createdAt);
    r.bulkString('timestamp-last-updated');
    r.integer(e.updatedAt);
  }
}

function dryrun(ctx: CommandContext, argv: Buffer[]): void {
  const name = latin1(argv[2]!);
  const user = ctx.server.acl.get(name);
  if (!user) throw new ReplyError(`User '${name}' not found`);
  const request = argv.slice(3);
  const spec = ctx.server.commands.find(request);
  if (!spec) throw new ReplyError(`Command '${request[0]!.toString()}' not found`);
  if (!arityOk(spec, request.length)) throw wrongArity(spec, request);
  const why = dryRun({ user }, spec, request);
  if (why === undefined) ctx.reply.ok();
  else ctx.reply.bulkLatin1(why);
}

const sub = (decl: Omit<CommandDeclaration, 'group'>): CommandSpec => command({ group: 'server', since: '6.0.0', ...decl });
const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const PLAIN = ['noscript', 'loading', 'stale'] as const;

/** ACL users and their permissions, with Redis's subcommands, replies and errors. */
export const acl = command({
  name: 'acl',
  arity: -2,
  flags: [],
  group: 'server',
  since: '6.0.0',
  summary: 'A container for Access List Control commands.',
  subcommands: [
    sub({
      name: 'acl|cat',
      arity: -2,
      flags: PLAIN,
      summary: 'Lists the ACL categories, or the commands inside a category.',
      handler: cat,
    }),
    sub({
      name: 'acl|deluser',
      arity: -3,
      flags: ADMIN,
      summary: 'Deletes ACL users, and terminates their connections.',
      handler: delUser,
    }),
    sub({
      name: 'acl|dryrun',
      arity: -4,
      flags: ADMIN,
      since: '7.0.0',
      summary: 'Simulates the execution of a command by a user, without executing the command.',
      handler: dryrun,
    }),
    sub({
      name: 'acl|genpass',
      arity: -2,
      flags: PLAIN,
      summary: 'Generates a pseudorandom, secure password for ACL users.',
      handler: genpass,
    }),
    sub({ name: 'acl|getuser', arity: 3, flags: ADMIN, summary: 'Lists the ACL rules of a user.', handler: getUser }),
    sub({ name: 'acl|list', arity: 2, flags: ADMIN, summary: 'Dumps the effective rules in ACL file format.', handler: list }),
    sub({ name: 'acl|load', arity: 2, flags: ADMIN, summary: 'Reloads the rules from the configured ACL file.', handler: load }),
    sub({
      name: 'acl|log',
      arity: -2,
      flags: ADMIN,
      summary: 'Lists recent security events generated due to commands rejected by ACL rules.',
      handler: (ctx, argv) => {
        if (argv.length > 3) throw wrongArity(ctx.command, argv);
        log(ctx, argv);
      },
    }),
    sub({ name: 'acl|save', arity: 2, flags: ADMIN, summary: 'Saves the effective ACL rules in the configured ACL file.', handler: save }),
    sub({ name: 'acl|setuser', arity: -3, flags: ADMIN, summary: 'Creates and modifies an ACL user and its rules.', handler: setUser }),
    sub({ name: 'acl|users', arity: 2, flags: ADMIN, summary: 'Lists all ACL users.', handler: users }),
    sub({
      name: 'acl|whoami',
      arity: 2,
      flags: PLAIN,
      summary: 'Returns the authenticated username of the current connection.',
      handler: (ctx) => {
        ctx.reply.bulkLatin1(ctx.client.user.name);
      },
    }),
    sub({
      name: 'acl|help',
      arity: 2,
      flags: ['loading', 'stale'],
      summary: 'Returns helpful text about the different subcommands.',
      handler: (ctx) => {
        helpReply(ctx, 'ACL', [
          'CAT [<category>]',
          '    List all commands that belong to <category>, or all command categories',
          '    when no category is specified.',
          'DELUSER <username> [<username> ...]',
          '    Delete a list of users.',
          'DRYRUN <username> <command> [<arg> ...]',
          '    Returns whether the user can execute the given command without executing the command.',
          'GETUSER <username>',
          '    Get the user details.',
          'GENPASS [<bits>]',
          '    Generate a secure 256-bit user password. The optional `bits` argument can',
          '    be used to specify a different size.',
          'LIST',
          '    Show users details in config file format.',
          'LOAD',
          '    Reload users from the ACL file.',
          'LOG [<count> | RESET]',
          '    Show the ACL log entries.',
          'SAVE',
          '    Save the current config to the ACL file.',
          'SETUSER <username> <attribute> [<attribute> ...]',
          '    Create or modify a user with the specified attributes.',
          'USERS',
          '    List all the registered usernames.',
          'WHOAMI',
          '    Return the current connection username.',
        ]);
      },
    }),
  ],
});
