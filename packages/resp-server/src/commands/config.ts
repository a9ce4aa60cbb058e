import { ReplyError } from '@modelkv/core';
import { type CommandSpec, command, wrongArity } from '../command-table.js';
import type { CommandContext } from '../context.js';
import { helpReply } from './help.js';

function get(ctx: CommandContext, argv: Buffer[]): void {
  const pairs = ctx.server.config.get(argv.slice(2).map((a) => a.toString()));
  ctx.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    ctx.reply.bulkString(name);
    ctx.reply.bulkString(value);
  }
}

function set(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length % 2 !== 0) throw wrongArity(ctx.command, argv);
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!.toString(), argv[i + 1]!.toString()]);
  ctx.server.config.set(pairs);
  ctx.reply.ok();
}

const sub = (decl: Omit<Parameters<typeof command>[0], 'group'>): CommandSpec => command({ group: 'server', ...decl });

export const config = command({
  name: 'config',
  arity: -2,
  flags: [],
  group: 'server',
  since: '2.0.0',
  summary: 'A container for server configuration commands.',
  subcommands: [
    sub({
      name: 'config|get',
      arity: -3,
      flags: ['admin', 'noscript', 'loading', 'stale'],
      since: '2.0.0',
      summary: 'Returns the effective values of configuration parameters.',
      handler: get,
    }),
    sub({
      name: 'config|set',
      arity: -4,
      flags: ['admin', 'noscript', 'loading', 'stale'],
      since: '2.0.0',
      summary: 'Sets configuration parameters in-flight.',
      handler: set,
    }),
    sub({
      name: 'config|resetstat',
      arity: 2,
      flags: ['admin', 'noscript', 'loading', 'stale'],
      since: '2.0.0',
      summary: "Resets the server's statistics.",
      handler(ctx) {
        ctx.server.stats.reset();
        ctx.server.commandStats.reset();
        ctx.reply.ok();
      },
    }),
    sub({
      name: 'config|rewrite',
      arity: 2,
      flags: ['admin', 'noscript', 'loading', 'stale'],
      since: '2.8.0',
      summary: 'Persists the effective configuration to file (there is none here).',
      handler() {
        throw new ReplyError('The server is running without a config file');
      },
    }),
    sub({
      name: 'config|help',
      arity: 2,
      flags: ['loading', 'stale'],
      since: '5.0.0',
      summary: 'Returns helpful text about the different subcommands.',
      handler: (ctx) => {
        helpReply(ctx, 'CONFIG', [
          'GET <pattern>',
          '    Return parameters matching the glob-like <pattern> and their values.',
          'SET <directive> <value>',
          '    Set the configuration <directive> to <value>.',
          'RESETSTAT',
          '    Reset statistics reported by the INFO command.',
          'REWRITE',
          '    Refused: the server runs without a config file.',
        ]);
      },
    }),
  ],
});
