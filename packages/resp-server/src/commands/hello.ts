import { ReplyError } from '@modelkv/core';
import { isWord, parseStrictInt } from '../args.js';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';
import type { Protocol } from '../resp-writer.js';
import { checkUser } from './auth.js';
import { checkClientName } from './client.js';

/** HELLO [protover [AUTH username password] [SETNAME name]], with Redis's checks and order. */
export const hello = command({
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  since: '6.0.0',
  summary: 'Handshakes with the server, choosing RESP2 or RESP3.',
  handler(ctx, argv) {
    let protocol: Protocol | undefined;
    if (argv.length >= 2) {
      const ver = parseStrictInt(argv[1]!);
      if (ver === undefined) throw new ReplyError('Protocol version is not an integer or out of range');
      if (ver !== 2 && ver !== 3) throw new ReplyError('unsupported protocol version', 'NOPROTO');
      protocol = ver;
    }
    let user: Buffer | undefined;
    let name: Buffer | undefined;
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (isWord(argv[j], 'AUTH') && more >= 2) {
        user = argv[j + 1];
        j += 2;
      } else if (isWord(argv[j], 'SETNAME') && more >= 1) {
        name = argv[j + 1];
        j++;
      } else {
        throw new ReplyError(`Syntax error in HELLO option '${argv[j]!.toString()}'`);
      }
    }
    if (user) checkUser(user);
    if (name) ctx.client.name = checkClientName(name);
    if (protocol) ctx.client.protocol = protocol;
    helloReply(ctx);
  },
});

function helloReply(ctx: CommandContext): void {
  const r = ctx.reply;
  r.map(7);
  r.bulkString('server');
  r.bulkString('modelkv');
  r.bulkString('version');
  r.bulkString(ctx.server.version);
  r.bulkString('proto');
  r.integer(ctx.client.protocol);
  r.bulkString('id');
  r.integer(ctx.client.id);
  r.bulkString('mode');
  r.bulkString('standalone');
  r.bulkString('role');
  r.bulkString('master');
  r.bulkString('modules');
  r.array(0);
}
