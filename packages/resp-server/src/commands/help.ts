import type { CommandContext } from '../context.js';

/** The reply of `<CMD> HELP`: status lines, as Redis's addReplyHelp writes them. */
export function helpReply(ctx: CommandContext, name: string, lines: readonly string[]): void {
  const all = [`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Print this help.'];
  ctx.reply.array(all.length);
  for (const line of all) ctx.reply.simple(line);
}
