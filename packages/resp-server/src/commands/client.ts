import { ReplyError } from '@modelkv/core';
import { isWord, parseStrictInt, syntaxError } from '../args.js';
import { type CommandSpec, command } from '../command-table.js';
import type { ClientState, CommandContext } from '../context.js';
import { helpReply } from './help.js';

/** Names and lib-name/lib-ver values are printable ASCII without spaces, as Redis requires. */
function printable(buf: Buffer): boolean {
  for (const c of buf) if (c < 0x21 || c > 0x7e) return false;
  return true;
}

export function checkClientName(buf: Buffer): string {
  if (!printable(buf)) throw new ReplyError('Client names cannot contain spaces, newlines or special characters.');
  return buf.toString('latin1');
}

/** One CLIENT LIST line, with Redis's fields (those without meaning here are 0). */
export function clientLine(c: ClientState, now = Date.now()): string {
  const flags = c.blocked ? 'b' : c.multiCount >= 0 ? 'x' : 'N';
  const fields: [string, string | number][] = [
    ['id', c.id],
    ['addr', c.remoteAddress],
    ['laddr', c.localAddress],
    ['fd', -1],
    ['name', c.name],
    ['age', Math.floor((now - c.createdAt) / 1000)],
    ['idle', Math.floor((now - c.lastInteraction) / 1000)],
    ['flags', flags],
    ['db', 0],
    ['sub', 0],
    ['psub', 0],
    ['ssub', 0],
    ['multi', c.multiCount],
    ['qbuf', c.queryBufferBytes],
    ['qbuf-free', 0],
    ['argv-mem', 0],
    ['multi-mem', 0],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', c.outputBufferBytes],
    ['tot-mem', c.queryBufferBytes + c.outputBufferBytes],
    ['events', 'r'],
    ['cmd', c.lastCommand],
    ['user', c.user.name],
    ['redir', -1],
    ['resp', c.protocol],
    ['lib-name', c.libName],
    ['lib-ver', c.libVer],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(' ');
}

function listClients(ctx: CommandContext, argv: Buffer[]): void {
  let ids: Set<number> | undefined;
  let type: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (isWord(argv[i], 'TYPE') && i + 1 < argv.length) {
      type = argv[++i]!.toString().toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
        throw new ReplyError(`Unknown client type '${argv[i]!.toString()}'`);
      }
    } else if (isWord(argv[i], 'ID') && i + 1 < argv.length) {
      ids = new Set();
      for (i++; i < argv.length; i++) {
        const id = parseStrictInt(argv[i]!);
        if (id === undefined || id <= 0) throw new ReplyError('Invalid client ID');
        ids.add(id);
      }
    } else {
      throw syntaxError();
    }
  }
  const now = Date.now();
  let text = '';
  for (const c of ctx.server.clients()) {
    if (type !== undefined && type !== 'normal') continue;
    if (ids && !ids.has(c.id)) continue;
    text += `${clientLine(c, now)}\n`;
  }
  ctx.reply.verbatim(text);
}

const sub = (decl: Omit<Parameters<typeof command>[0], 'group'>): CommandSpec => command({ group: 'connection', ...decl });

const subcommands: CommandSpec[] = [
  sub({
    name: 'client|id',
    arity: 2,
    flags: ['noscript', 'loading', 'stale'],
    since: '5.0.0',
    summary: 'Returns the unique client ID of the connection.',
    handler: (ctx) => {
      ctx.reply.integer(ctx.client.id);
    },
  }),
  sub({
    name: 'client|setname',
    arity: 3,
    flags: ['noscript', 'loading', 'stale'],
    since: '2.6.9',
    summary: 'Sets the connection name.',
    handler(ctx, argv) {
      ctx.client.name = checkClientName(argv[2]!);
      ctx.reply.ok();
    },
  }),
  sub({
    name: 'client|getname',
    arity: 2,
    flags: ['noscript', 'loading', 'stale'],
    since: '2.6.9',
    summary: 'Returns the name of the connection.',
    handler(ctx) {
      if (ctx.client.name === '') ctx.reply.nullBulk();
      else ctx.reply.bulkLatin1(ctx.client.name);
    },
  }),
  sub({
    name: 'client|setinfo',
    arity: 4,
    flags: ['noscript', 'loading', 'stale'],
    since: '7.2.0',
    summary: 'Sets information specific to the client or connection (LIB-NAME, LIB-VER).',
    handler(ctx, argv) {
      const attr = argv[2]!;
      const value = argv[3]!;
      const lib = isWord(attr, 'LIB-NAME') ? 'lib-name' : isWord(attr, 'LIB-VER') ? 'lib-ver' : undefined;
      if (!lib) throw new ReplyError(`Unrecognized option '${attr.toString()}'`);
      if (!printable(value) && value.length > 0) {
        throw new ReplyError(`${lib} cannot contain spaces, newlines or special characters.`);
      }
      if (lib === 'lib-name') ctx.client.libName = value.toString('latin1');
      else ctx.client.libVer = value.toString('latin1');
      ctx.reply.ok();
    },
  }),
  sub({
    name: 'client|list',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    since: '2.4.0',
    summary: 'Lists open connections.',
    handler: listClients,
  }),
  sub({
    name: 'client|info',
    arity: 2,
    flags: ['noscript', 'loading', 'stale'],
    since: '6.2.0',
    summary: 'Returns information about the connection.',
    handler: (ctx) => {
      ctx.reply.verbatim(`${clientLine(ctx.client)}\n`);
    },
  }),
  sub({
    name: 'client|no-evict',
    arity: 3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    since: '7.0.0',
    summary: 'Accepted for compatibility; nothing is evicted here.',
    handler: onOff,
  }),
  sub({
    name: 'client|no-touch',
    arity: 3,
    flags: ['noscript', 'loading', 'stale'],
    since: '7.2.0',
    summary: 'Accepted for compatibility; keys have no access time here.',
    handler: onOff,
  }),
  sub({
    name: 'client|help',
    arity: 2,
    flags: ['loading', 'stale'],
    since: '5.0.0',
    summary: 'Returns helpful text about the different subcommands.',
    handler: (ctx) => {
      helpReply(ctx, 'CLIENT', [
        'ID',
        '    Return the ID of the current connection.',
        'GETNAME',
        '    Return the name of the current connection.',
        'SETNAME <name>',
        '    Assign the name <name> to the current connection.',
        'SETINFO <option> <value>',
        '    Set client meta attr. Options are:',
        '    * LIB-NAME: the client lib name.',
        '    * LIB-VER: the client lib version.',
        'LIST [TYPE <normal|master|replica|pubsub>] [ID <id> [<id> ...]]',
        '    Return information about client connections.',
        'INFO',
        '    Return information about the current client connection.',
      ]);
    },
  }),
];

function onOff(ctx: CommandContext, argv: Buffer[]): void {
  if (!isWord(argv[2], 'ON') && !isWord(argv[2], 'OFF')) throw syntaxError();
  ctx.reply.ok();
}

export const client = command({
  name: 'client',
  arity: -2,
  flags: [],
  group: 'connection',
  since: '2.4.0',
  summary: 'A container for client connection commands.',
  subcommands,
});
