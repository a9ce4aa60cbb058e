import type { CommandSpec } from './command-table.js';
import type { CommandContext } from './context.js';

/**
 * The refusals that depend on the server's state rather than the command's arguments, in the
 * order Redis's processCommand checks them: loading, not allowed inside MULTI, writes refused
 * after a disk error. Returns the error line, or undefined to go on.
 */
export function refusal(ctx: CommandContext, spec: CommandSpec): string | undefined {
  const persistence = ctx.server.persistence;
  if (persistence.loading && !spec.flags.includes('loading')) return 'LOADING the server is loading the dataset in memory';
  if (ctx.tx.active && spec.flags.includes('no_multi')) return 'ERR Command not allowed inside a transaction';
  if (spec.flags.includes('write')) return persistence.writeDenied();
  return undefined;
}
