import { ReplyError } from '@modelkv/core';
import { intArg } from '../args.js';
import { command } from '../command-table.js';

/** One database: SELECT 0 only. */
export const select = command({
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  group: 'connection',
  summary: 'Changes the selected database (only database 0 exists).',
  handler(ctx, argv) {
    const db = intArg(argv[1]!);
    if (db !== 0) throw new ReplyError('DB index is out of range');
    ctx.reply.ok();
  },
});
