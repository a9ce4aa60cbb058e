import type { TaggedKey } from '@modelkv/core';
import { type CommandSpec, aiCommand } from '../command-table.js';
import type { CommandContext } from '../context.js';

function writeTagged(ctx: CommandContext, entries: readonly TaggedKey[]): void {
  ctx.reply.array(entries.length);
  for (const e of entries) {
    ctx.reply.array(2);
    ctx.reply.bulkLatin1(e.key);
    ctx.reply.bulkString(e.tag);
  }
}

/** AI._MODELSCAN / AI._SCRIPTSCAN: `[[key, tag], ...]` for every model or script (RedisAI 1.2, experimental there too). */
function scanCommand(name: string, what: string, list: (ctx: CommandContext) => readonly TaggedKey[]): CommandSpec {
  return aiCommand({
    name,
    arity: 1,
    flags: ['readonly', 'module'],
    since: '1.2.0',
    summary: `Lists every ${what} with its tag.`,
    handler(ctx) {
      writeTagged(ctx, list(ctx));
    },
  });
}

export const aiModelscan = scanCommand('ai._modelscan', 'model', (ctx) => ctx.engine.models());
export const aiScriptscan = scanCommand('ai._scriptscan', 'script', (ctx) => ctx.engine.scripts());
