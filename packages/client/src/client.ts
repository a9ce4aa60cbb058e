import { readFile } from 'node:fs/promises';
import { createClient, type RedisClientOptions, type RedisClientType, type RespVersions } from '@redis/client';
import AI from './commands/index.js';
import { toModelkvError } from './errors.js';
import { AI_TYPE_MAPPING } from './type-mapping.js';
import { Dag, type DagOptions, type DagRequest } from './dag.js';
import type {
  AIConfigName,
  Backend,
  BlobTensor,
  ExecuteOptions,
  Key,
  ModelMeta,
  ModelReply,
  ModelSetOptions,
  ModelStoreOptions,
  RedisAIVersion,
  RunInfo,
  RunOptions,
  RunStatus,
  ScriptExecuteOptions,
  ScriptMeta,
  ScriptReply,
  ScriptSetOptions,
  ScriptStoreOptions,
  TaggedKey,
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

/**
 * node-redis client options (url, socket, RESP 2 or 3, ...), less the modules, which are ours;
 * `redisai` picks the forms of TENSORGET, MODELGET and SCRIPTGET (default: v0.9's).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- {} is node-redis's own "no functions" / "no scripts" (its defaults)
export type ModelkvClientOptions = Omit<RedisClientOptions<AIModules, {}, {}>, 'modules'> & { readonly redisai?: RedisAIVersion };

/** A model to store: the blob as bytes, or a path to read it from. */
export interface ModelSetInput extends Omit<ModelSetOptions, 'blob'> {
  readonly blob: Uint8Array | string;
}

/** A model to store with AI.MODELSTORE: the blob as bytes, as chunks, or a path to read it from. */
export interface ModelStoreInput extends Omit<ModelStoreOptions, 'blob'> {
  readonly blob: ModelStoreOptions['blob'] | string;
  /** Sends the blob in chunks of this many bytes (each its own argument after BLOB). */
  readonly chunkSize?: number;
}

/**
 * The typed client: AI commands with typed arguments and replies, binary replies decoded without
 * loss, and error replies thrown as `ModelkvError` subclasses. `redis` is the underlying
 * node-redis client, for every other command.
 */
export class ModelkvClient {
  readonly redis: AIRedisClient;
  /** The command forms used where RedisAI's differ (TENSORGET, MODELGET, SCRIPTGET). */
  readonly redisai: RedisAIVersion;
  private readonly exact;

  constructor(redis: AIRedisClient, options: { readonly redisai?: RedisAIVersion } = {}) {
    this.redis = redis;
    this.redisai = options.redisai ?? '0.9';
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
    return call(() => this.exact.ai.tensorGet(key, format, this.redisai) as Promise<TensorReply<TensorFormat>>);
  }

  async modelSet(key: Key, model: ModelSetInput): Promise<void> {
    const blob = typeof model.blob === 'string' ? await readFile(model.blob) : model.blob;
    await call(() => this.redis.ai.modelSet(key, { ...model, blob }));
  }

  /**
   * AI.MODELSTORE (RedisAI 1.2): TAG, batching, counted node names, and the blob whole or in
   * chunks (`chunkSize`, or an array of chunks).
   */
  async modelStore(key: Key, model: ModelStoreInput): Promise<void> {
    const { chunkSize, ...rest } = model;
    const blob = typeof rest.blob === 'string' ? await readFile(rest.blob) : rest.blob;
    await call(() => this.redis.ai.modelStore(key, { ...rest, blob: chunkSize ? chunks(blob, chunkSize) : blob }));
  }

  /** The model's backend, device and blob; its tag, batching and node names too from a 1.x server. */
  modelGet(key: Key): Promise<ModelReply> {
    return call(() => this.exact.ai.modelGet(key, this.redisai) as Promise<ModelReply>);
  }

  /** AI.MODELGET META (RedisAI 1.x): the model's settings without its blob. */
  modelMeta(key: Key): Promise<ModelMeta> {
    return call(() => this.exact.ai.modelMeta(key) as Promise<ModelMeta>);
  }

  /** AI._MODELSCAN (RedisAI 1.2): every model key with its tag. */
  modelScan(): Promise<TaggedKey[]> {
    return call(() => this.exact.ai.modelScan() as Promise<TaggedKey[]>);
  }

  async modelDel(key: Key): Promise<void> {
    await call(() => this.redis.ai.modelDel(key));
  }

  async modelRun(key: Key, run: RunOptions): Promise<void> {
    await call(() => this.redis.ai.modelRun(key, run));
  }

  /** AI.MODELEXECUTE (RedisAI 1.2): `TIMEDOUT` when the run waited in its queue past `timeout`. */
  modelExecute(key: Key, run: ExecuteOptions): Promise<RunStatus> {
    return call(() => this.redis.ai.modelExecute(key, run));
  }

  async scriptSet(key: Key, script: ScriptSetOptions): Promise<void> {
    await call(() => this.redis.ai.scriptSet(key, script));
  }

  /** AI.SCRIPTSTORE (RedisAI 1.2): a script with the entry points AI.SCRIPTEXECUTE may call. */
  async scriptStore(key: Key, script: ScriptStoreOptions): Promise<void> {
    await call(() => this.redis.ai.scriptStore(key, script));
  }

  /** The script's device and source; its tag and entry points too from a 1.x server. */
  scriptGet(key: Key): Promise<ScriptReply> {
    return call(() => this.exact.ai.scriptGet(key, this.redisai) as Promise<ScriptReply>);
  }

  /** AI.SCRIPTGET META (RedisAI 1.x): device, tag and entry points without the source. */
  scriptMeta(key: Key): Promise<ScriptMeta> {
    return call(() => this.exact.ai.scriptMeta(key) as Promise<ScriptMeta>);
  }

  /** AI._SCRIPTSCAN (RedisAI 1.2): every script key with its tag. */
  scriptScan(): Promise<TaggedKey[]> {
    return call(() => this.exact.ai.scriptScan() as Promise<TaggedKey[]>);
  }

  async scriptDel(key: Key): Promise<void> {
    await call(() => this.redis.ai.scriptDel(key));
  }

  async scriptRun(key: Key, fn: string, run: RunOptions): Promise<void> {
    await call(() => this.redis.ai.scriptRun(key, fn, run));
  }

  /**
   * AI.SCRIPTEXECUTE (RedisAI 1.2): an entry point of an AI.SCRIPTSTORE script gets the input
   * tensors, the key names and the arguments as three lists.
   */
  scriptExecute(key: Key, fn: string, run: ScriptExecuteOptions): Promise<RunStatus> {
    return call(() => this.redis.ai.scriptExecute(key, fn, run));
  }

  /**
   * A DAG (AI.DAGEXECUTE, or AI.DAGEXECUTE_RO with `readonly`) to build step by step and
   * `execute()`: its tensors live in the DAG; only PERSIST writes to the keyspace.
   */
  dag(options: DagOptions = {}): Dag {
    return new Dag(options, [], (request) => this.dagExecute(request));
  }

  private dagExecute(request: DagRequest): Promise<unknown> {
    return call(() => (request.options.readonly ? this.exact.ai.dagExecuteRo(request) : this.exact.ai.dagExecute(request)));
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

  /** AI.CONFIG GET: a setting's value (null when it has none). */
  configGet(name: AIConfigName): Promise<string | number | null> {
    return call(() => this.exact.ai.configGet(name));
  }

  /** `AI.CONFIG <NAME> <value>`: BACKENDSPATH, MODEL_CHUNK_SIZE, THREADS_PER_QUEUE, ... */
  async configSet(name: AIConfigName, value: string | number): Promise<void> {
    await call(() => this.redis.ai.configSet(name, value));
  }
}

/** Views of `blob`, `size` bytes each (the last one shorter). */
function chunks(blob: Uint8Array | readonly Uint8Array[], size: number): Uint8Array[] {
  if (!(blob instanceof Uint8Array)) return [...blob];
  if (!Number.isInteger(size) || size <= 0) throw new TypeError(`chunkSize must be a positive integer, got ${size}`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < blob.length; at += size) out.push(blob.subarray(at, Math.min(blob.length, at + size)));
  return out;
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
  const { redisai, ...rest } = options;
  const redis = createClient({ ...rest, modules: { ai: AI } }) as AIRedisClient;
  return new ModelkvClient(redis, { redisai });
}
