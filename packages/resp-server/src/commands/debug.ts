import { ReplyError } from '@modelkv/core';
import { isWord, syntaxError } from '../args.js';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';
import { exclusively } from '../exec-gate.js';
import { helpReply } from './help.js';

const NOT_ALLOWED =
  'DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

function isLoopback(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host === '127.0.0.1' || host.startsWith('127.') || host === '::1' || host === '::ffff:127.0.0.1';
}

function checkAllowed(ctx: CommandContext): void {
  const access = ctx.server.config.settings.enableDebugCommand;
  if (access === 'yes' || (access === 'local' && isLoopback(ctx.client.remoteAddress))) return;
  throw new ReplyError(NOT_ALLOWED);
}

/**
 * DEBUG RELOAD [NOSAVE] [NOFLUSH]: saves a snapshot, empties the keyspace and loads the snapshot
 * back (RedisAI's tests check persistence with it), every other client waiting meanwhile.
 * DEBUG HELP. Refused unless enable-debug-command allows it, as in Redis.
 */
export const debug = command({
  name: 'debug',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'A container for debugging commands.',
  waits: true,
  async handler(ctx, argv) {
    checkAllowed(ctx);
    if (isWord(argv[1], 'HELP')) {
      helpReply(ctx, 'DEBUG', [
        'RELOAD [NOSAVE] [NOFLUSH]',
        '    Save the dataset to disk (unless NOSAVE), empty it (unless NOFLUSH) and load it back.',
      ]);
      return;
    }
    if (!isWord(argv[1], 'RELOAD')) {
      throw new ReplyError(`unknown subcommand '${argv[1]!.toString().slice(0, 128)}'. Try DEBUG HELP.`);
    }
    let save = true;
    let flush = true;
    for (let i = 2; i < argv.length; i++) {
      if (isWord(argv[i], 'NOSAVE')) save = false;
      else if (isWord(argv[i], 'NOFLUSH')) flush = false;
      else throw syntaxError();
    }
    // Runs in flight finish first: one storing its outputs during the reload would be lost.
    await exclusively(ctx.server.gate, ctx, () => ctx.server.persistence.debugReload({ save, flush }), { drain: true });
    ctx.reply.ok();
  },
});
