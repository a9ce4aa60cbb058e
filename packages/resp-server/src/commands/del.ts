import { command } from '../command-table.js';
import type { CommandArgument } from '../command-args.js';
import type { CommandContext } from '../context.js';
import type { KeySpecDeclaration } from '../key-specs.js';

function deleteKeys(ctx: CommandContext, argv: Buffer[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.engine.delete(argv[i]!)) n++;
  ctx.reply.integer(n);
}

const EVERY_ARGUMENT_DELETED: readonly KeySpecDeclaration[] = [
  { flags: ['RM', 'delete'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -1 } } },
];
const KEYS: readonly CommandArgument[] = [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }];

export const del = command({
  name: 'del',
  arity: -2,
  flags: ['write'],
  group: 'generic',
  keySpecs: EVERY_ARGUMENT_DELETED,
  arguments: KEYS,
  summary: 'Deletes one or more keys.',
  handler: deleteKeys,
});

/** Models and scripts are released once their last run settles, so UNLINK is DEL here. */
export const unlink = command({
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  group: 'generic',
  keySpecs: EVERY_ARGUMENT_DELETED,
  arguments: KEYS,
  since: '4.0.0',
  summary: 'Deletes one or more keys, releasing their resources asynchronously.',
  handler: deleteKeys,
});
