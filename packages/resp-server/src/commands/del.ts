import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';

function deleteKeys(ctx: CommandContext, argv: Buffer[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.engine.delete(argv[i]!)) n++;
  ctx.reply.integer(n);
}

export const del = command({
  name: 'del',
  arity: -2,
  flags: ['write'],
  group: 'generic',
  firstKey: 1,
  lastKey: -1,
  step: 1,
  summary: 'Deletes one or more keys.',
  handler: deleteKeys,
});

/** Models and scripts are released once their last run settles, so UNLINK is DEL here. */
export const unlink = command({
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  group: 'generic',
  firstKey: 1,
  lastKey: -1,
  step: 1,
  since: '4.0.0',
  summary: 'Deletes one or more keys, releasing their resources asynchronously.',
  handler: deleteKeys,
});
