import { ReplyError, parseBackendName } from '@modelkv/core';
import { isWord } from '../args.js';
import { loadBackendForClient } from '../backend-gate.js';
import { aiCommand, wrongArity } from '../command-table.js';

/**
 * AI.CONFIG LOADBACKEND <TF|TORCH|ONNX> <path>: a relative path is resolved against backends-path,
 * or the server's cwd; the request is checked before anything is imported (backend-gate.ts).
 */
export const aiConfig = aiCommand({
  name: 'ai.config',
  arity: -2,
  flags: ['write', 'module'],
  dangerous: true,
  summary: 'Loads a backend (LOADBACKEND <TF|TORCH|ONNX> <path>).',
  async handler(ctx, argv) {
    if (!isWord(argv[1], 'LOADBACKEND')) {
      throw new ReplyError(`unsupported subcommand '${argv[1]!.toString()}': expected LOADBACKEND`);
    }
    if (argv.length !== 4) throw wrongArity(ctx.command, argv);
    const name = parseBackendName(argv[2]!.toString());
    await loadBackendForClient(ctx, name, argv[3]!.toString());
    ctx.reply.ok();
  },
});
