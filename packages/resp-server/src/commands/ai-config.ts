import { ReplyError, parseBackendName } from '@modelkv/core';
import { isWord } from '../args.js';
import { aiCommand, wrongArity } from '../command-table.js';
import type { CommandContext } from '../context.js';

/** AI.CONFIG MODEL_EXECUTION_TIMEOUT <ms> (RedisAI 1.2): the same setting as CONFIG SET model-execution-timeout. */
function setExecutionTimeout(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length !== 3) throw wrongArity(ctx.command, argv);
  const value = argv[2]!.toString();
  try {
    ctx.server.config.set([['model-execution-timeout', value]]);
  } catch {
    throw new ReplyError(`MODEL_EXECUTION_TIMEOUT: invalid value '${value}': expected whole milliseconds (0: no limit)`);
  }
  ctx.reply.ok();
}

/**
 * AI.CONFIG LOADBACKEND <TF|TORCH|ONNX> <path> (a relative path is resolved against the server's
 * cwd) and AI.CONFIG MODEL_EXECUTION_TIMEOUT <ms>.
 */
export const aiConfig = aiCommand({
  name: 'ai.config',
  arity: -2,
  flags: ['write', 'module'],
  summary: 'Loads a backend (LOADBACKEND <TF|TORCH|ONNX> <path>) or sets MODEL_EXECUTION_TIMEOUT <ms>.',
  async handler(ctx, argv) {
    if (isWord(argv[1], 'MODEL_EXECUTION_TIMEOUT')) {
      setExecutionTimeout(ctx, argv);
      return;
    }
    if (!isWord(argv[1], 'LOADBACKEND')) {
      throw new ReplyError(`unsupported subcommand '${argv[1]!.toString()}': expected LOADBACKEND or MODEL_EXECUTION_TIMEOUT`);
    }
    if (argv.length !== 4) throw wrongArity(ctx.command, argv);
    const name = parseBackendName(argv[2]!.toString());
    await ctx.engine.loadBackend(name, argv[3]!.toString());
    ctx.reply.ok();
  },
});
