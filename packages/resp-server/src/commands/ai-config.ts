import { ReplyError, parseBackendName } from '@modelkv/core';
import { isWord, parseStrictInt, upper } from '../args.js';
import { backendsPathWithin, loadBackendForClient } from '../backend-gate.js';
import { aiCommand, wrongArity } from '../command-table.js';
import type { CommandContext } from '../context.js';

/** An AI.CONFIG setting: how GET reads it and how `AI.CONFIG <NAME> <value>` changes it. */
interface AiSetting {
  get(ctx: CommandContext): string | number | null;
  set(ctx: CommandContext, value: Buffer): void;
  /** Takes exactly one value: any other count is a wrong number of arguments. */
  readonly strictArity?: boolean;
}

/** A whole number ≥ `min` for `name`, with RedisAI's style of error. */
function count(name: string, value: Buffer, min: number, what = 'value'): number {
  const n = parseStrictInt(value);
  if (n === undefined || n < min) throw new ReplyError(`${name}: invalid ${what}`);
  return n;
}

/** A backend thread count (0: the library's default), for backends loaded and models stored afterwards. */
function opThreads(name: string, field: 'intraOpThreads' | 'interOpThreads'): AiSetting {
  return {
    get: (ctx) => ctx.server.config.settings[field],
    set(ctx, value) {
      const n = count(name, value, 0);
      ctx.server.config.settings[field] = n;
      ctx.engine.setOpThreads({ [field]: n });
    },
  };
}

const SETTINGS: Record<string, AiSetting> = {
  BACKENDSPATH: {
    get: (ctx) => ctx.engine.backendsPath ?? null,
    set(ctx, value) {
      ctx.engine.backendsPath = backendsPathWithin(ctx, value.toString());
    },
  },
  MODEL_CHUNK_SIZE: {
    get: (ctx) => ctx.server.config.settings.modelChunkSize,
    set(ctx, value) {
      ctx.server.config.settings.modelChunkSize = count('MODEL_CHUNK_SIZE', value, 1, 'chunk size');
    },
  },
  THREADS_PER_QUEUE: {
    get: (ctx) => ctx.server.config.settings.threadsPerQueue,
    set(ctx, value) {
      const n = count('THREADS_PER_QUEUE', value, 1);
      ctx.server.config.settings.threadsPerQueue = n;
      ctx.engine.setThreadsPerQueue(n);
    },
  },
  INTRA_OP_PARALLELISM: opThreads('INTRA_OP_PARALLELISM', 'intraOpThreads'),
  INTER_OP_PARALLELISM: opThreads('INTER_OP_PARALLELISM', 'interOpThreads'),
  // The same setting as CONFIG SET model-execution-timeout: the run deadline of every run.
  MODEL_EXECUTION_TIMEOUT: {
    strictArity: true,
    get: (ctx) => ctx.server.config.settings.modelExecutionTimeout,
    set(ctx, value) {
      const text = value.toString();
      try {
        ctx.server.config.set([['model-execution-timeout', text]]);
      } catch {
        throw new ReplyError(`MODEL_EXECUTION_TIMEOUT: invalid value '${text}': expected whole milliseconds (0: no limit)`);
      }
    },
  },
};

/** RedisAI 1.2's words for a setting given without its value. */
const MISSING: Record<string, string> = {
  BACKENDSPATH: 'BACKENDSPATH: missing path argument',
  MODEL_CHUNK_SIZE: 'MODEL_CHUNK_SIZE: missing chunk size',
};

function getSetting(ctx: CommandContext, argv: readonly Buffer[]): void {
  if (argv.length !== 3) throw wrongArity(ctx.command, argv);
  const value = SETTINGS[upper(argv[2]!)]?.get(ctx) ?? null;
  if (value === null) ctx.reply.nullBulk();
  else if (typeof value === 'number') ctx.reply.integer(value);
  else ctx.reply.bulkString(value);
}

async function loadBackend(ctx: CommandContext, argv: readonly Buffer[]): Promise<void> {
  if (argv.length !== 4) throw wrongArity(ctx.command, argv);
  const name = parseBackendName(argv[2]!.toString());
  await loadBackendForClient(ctx, name, argv[3]!.toString());
  ctx.reply.ok();
}

/**
 * AI.CONFIG LOADBACKEND <TF|TORCH|ONNX> <path> | BACKENDSPATH <dir> | MODEL_CHUNK_SIZE <bytes> |
 * THREADS_PER_QUEUE <n> | INTRA_OP_PARALLELISM <n> | INTER_OP_PARALLELISM <n> |
 * MODEL_EXECUTION_TIMEOUT <ms> | GET <name>. A relative LOADBACKEND path is resolved against
 * BACKENDSPATH (default: backends-path, or the server's cwd), and the request is checked before
 * anything is imported (backend-gate.ts); a BACKENDSPATH outside backends-path is refused. THREADS_PER_QUEUE applies at once to the queues of
 * backends in the server's process, and to backend processes started afterwards; the operator
 * thread settings apply to backends loaded and models stored afterwards.
 */
export const aiConfig = aiCommand({
  name: 'ai.config',
  arity: -2,
  flags: ['write', 'module'],
  dangerous: true,
  summary: 'Loads a backend, reads or changes settings (BACKENDSPATH, MODEL_CHUNK_SIZE, threads, MODEL_EXECUTION_TIMEOUT).',
  waits: true,
  async handler(ctx, argv) {
    if (isWord(argv[1], 'LOADBACKEND')) {
      await loadBackend(ctx, argv);
      return;
    }
    if (isWord(argv[1], 'GET')) {
      getSetting(ctx, argv);
      return;
    }
    const name = upper(argv[1]!);
    const setting = SETTINGS[name];
    if (!setting) throw new ReplyError('unsupported subcommand');
    if (setting.strictArity && argv.length !== 3) throw wrongArity(ctx.command, argv);
    if (argv.length < 3) throw new ReplyError(MISSING[name] ?? `${name}: missing value`);
    setting.set(ctx, argv[2]!);
    ctx.reply.ok();
  },
});
