import { command } from '../command-table.js';

export const quit = command({
  name: 'quit',
  arity: -1,
  flags: ['allow_busy', 'no_auth', 'fast'],
  group: 'connection',
  summary: 'Closes the connection.',
  handler(ctx) {
    ctx.reply.ok();
    ctx.closeAfterReply();
  },
});
