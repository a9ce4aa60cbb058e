import { readFile } from 'node:fs/promises';
import { createClient, type RedisClientOptions, type RedisClientType, type RespVersions } from '@redis/client';
import AI from './commands/index.js';
import { toModelkvError } from './errors.js';
import { AI_TYPE_MAPPING } from './type-mapping.js';
import type {
  Backend,
  BlobTensor,
  Key,
  ModelReply,
  ModelSetOptions,
  RunInfo,
  RunOptions,
  ScriptReply,
  ScriptSetOptions,
  TensorFormat,
  TensorInput,
  TensorReply,
} from './types.js';

// A type, not an interface: node-redis wants modules to fit Record<string, RedisCommands>, and
// only type literals have the implicit index signature that takes.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- an interface would not satisfy RedisModules
export type AIModules = { ai: typeof AI };

/** A node-redis client created with the AI module (`createClient({ modules: { ai: AI } })`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- {} is node-redis's own "no functions" / "no scripts" (its defaults)
export type AIRedisClient = RedisClientType<AIModules, {}, {}, RespVersions>;

/** node-redis client options (url, socket, RESP 2 or 3, ...), less the modules, which are ours. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- {} is node-redis's own "no functions" / "no scripts" (its defaults)
export type ModelkvClientOptions = Omit<RedisClientOptions<AIModules, {}, {}>, 'modules'>;

/** A model to store: the blob as bytes, or a path to read it from. */
export interface ModelSetInput extends Omit<ModelSetOptions, 'blob'> {
  readonly blob: Uint8Array | string;
}

/**
 * The typed client: AI commands with typed arguments and replies, binary replies decoded without
 * loss, and error replies thrown as `ModelkvError` subclasses. `redis` is the underlying
 * node-redis client, for every other command.
 */
export class ModelkvClient {
  readonly redis: AIRedisClient;
  private readonly exact;

  constructor(redis: AIRedisClient) {
    this.redis = redis;
    this.exact = redis.withTypeMapping(AI_TYPE_MAPPING);
  }

  async connect(): Promise<this> {
    await this.redis.connect();
    return this;
  }

  /** Closes the connection once pending commands have answered. */
  close(): Promise<void> {
    return this.redis.close();
  }

  /** Closes the connection at once, rejecting pending commands. */
  destroy(): void {
    this.redis.destroy();
  }

  async tensorSet(key: Key, tensor: TensorInput): Promise<void> {
    await call(() => this.redis.ai.tensorSet(key, tensor));
  }

  tensorGet(key: Key): Promise<BlobTensor>;
  tensorGet<F extends TensorFormat>(key: Key, format: F): Promise<TensorReply<F>>;
  tensorGet(key: Key, format: TensorFormat = 'BLOB'): Promise<TensorReply<TensorFormat>> {
    return call(() => this.exact.ai.tensorGet(key, format) as Promise<TensorReply<TensorFormat>>);
  }

  async modelSet(key: Key, model: ModelSetInput): Promise<void> {
    const blob = typeof model.blob === 'string' ? await readFile(model.blob) : model.blob;
    await call(() => this.redis.ai.modelSet(key, { ...model, blob }));
  }

  modelGet(key: Key): Promise<ModelReply> {
    return call(() => this.exact.ai.modelGet(key) as Promise<ModelReply>);
  }

  async modelDel(key: Key): Promise<void> {
    await call(() => this.redis.ai.modelDel(key));
  }

  async modelRun(key: Key, run: RunOptions): Promise<void> {
    await call(() => this.redis.ai.modelRun(key, run));
  }

  async scriptSet(key: Key, script: ScriptSetOptions): Promise<void> {
    await call(() => this.redis.ai.scriptSet(key, script));
  }

  scriptGet(key: Key): Promise<ScriptReply> {
    return call(() => this.exact.ai.scriptGet(key) as Promise<ScriptReply>);
  }

  async scriptDel(key: Key): Promise<void> {
    await call(() => this.redis.ai.scriptDel(key));
  }

  async scriptRun(key: Key, fn: string, run: RunOptions): Promise<void> {
    await call(() => this.redis.ai.scriptRun(key, fn, run));
  }

  info(key: Key): Promise<RunInfo> {
    return call(() => this.exact.ai.info(key) as Promise<RunInfo>);
  }

  async resetStat(key: Key): Promise<void> {
    await call(() => this.redis.ai.resetStat(key));
  }

  /** Loads a backend on the server; `path` is a path on the server's machine. */
  async loadBackend(backend: Backend, path: string): Promise<void> {
    await call(() => this.redis.ai.loadBackend(backend, path));
  }
}

async function call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw toModelkvError(err);
  }
}

/** A ModelkvClient over a new node-redis client; call `connect()` before use. */
export function createModelkvClient(options: ModelkvClientOptions = {}): ModelkvClient {
  const redis = createClient({ ...options, modules: { ai: AI } }) as AIRedisClient;
  return new ModelkvClient(redis);
}
