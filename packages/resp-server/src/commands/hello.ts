import { ReplyError } from '@modelkv/core';
import { isWord, parseStrictInt } from '../args.js';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';
import type { Protocol } from '../resp-writer.js';
import { WRONGPASS, authenticate } from './auth.js';
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
    let password: Buffer | undefined;
    let name: Buffer | undefined;
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (isWord(argv[j], 'AUTH') && more >= 2) {
        user = argv[j + 1];
        password = argv[j + 2];
        j += 2;
      } else if (isWord(argv[j], 'SETNAME') && more >= 1) {
        name = argv[j + 1];
        j++;
      } else {
        throw new ReplyError(`Syntax error in HELLO option '${argv[j]!.toString()}'`);
      }
    }
    if (user && password && !authenticate(ctx, user, password, argv[0]!.toString('latin1'))) throw WRONGPASS;
    // Without AUTH, only a connection already authenticated may go on.
    if (!ctx.client.authenticated && ctx.server.acl.authRequired) {
      throw new ReplyError(
        'HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        'NOAUTH',
      );
    }
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
