import { performance } from 'node:perf_hooks';
import {
  type Backend,
  type BackendConfig,
  type BackendName,
  type Device,
  type EntryPointCall,
  type ModelHandle,
  type NonTensorOutputs,
  type RunOptions,
  type ScriptHandle,
  formatDevice,
} from './backend.js';
import { BackendRegistry, type LoadedBackend, resolveBackendEntry } from './backend-loader.js';
import { ModelBatcher } from './batcher.js';
import { DeferredModelHandle, DeferredScriptHandle, runnableModel, runnableScript } from './deferred-handle.js';
import { parseDevice } from './device.js';
import { ReplyError, oneLine, toReplyError, wrongType } from './errors.js';
import { HostedBackend } from './host/hosted-backend.js';
import { HostedModel, HostedScript, type TimedOutputs, tensorsOnly } from './host/hosted-handles.js';
import {
  type BatchingPolicy,
  type Key,
  Keyspace,
  Lease,
  type ModelRecord,
  NO_BATCHING,
  type ScanResult,
  type ScriptRecord,
  type StoredModel,
  type StoredScript,
  type StoredValue,
  TYPE_NAMES,
  type ValueKind,
  keyString,
} from './keyspace.js';
import { type Logger, silentLogger } from './logger.js';
import type { EngineObserver, QueueStats, RunRecord, TensorMemory } from './observer.js';
import { isDeadlineError } from './native-pool.js';
import { type QueuedRun, RunDropped, RunQueue, RunQueues, RunTimedOut, isRunWaitTimedOut } from './run-queue.js';
import { RunStats } from './stats.js';
import type { ValueStore } from './store.js';
import { DEFAULT_MAX_TENSOR_BYTES, Tensor } from './tensor.js';
import type { ValueRecord } from './value-record.js';

/**
 * Where backends loaded by path run: `process` (each in a process of its own, restarted if it
 * dies) or `none` (in the server's process, for trusted deployments).
 */
export type BackendIsolation = 'process' | 'none';
export const BACKEND_ISOLATIONS: readonly BackendIsolation[] = ['process', 'none'];

/** MODEL_EXECUTION_TIMEOUT's default, as in RedisAI 1.2. */
export const DEFAULT_MODEL_EXECUTION_TIMEOUT_MS = 5000;

export interface EngineOptions {
  /** Concurrent runs per device queue (the reference's threads per queue). Default 1. */
  readonly threadsPerQueue?: number;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  /** Largest tensor accepted, in bytes. Default 512 MiB. */
  readonly maxTensorBytes?: number;
  /** Directory relative backend paths are resolved against. Default: process.cwd(). */
  readonly cwd?: string;
  /** Lets backends load models and scripts that use file, process or I/O operations. Default false. */
  readonly allowUnsafeOps?: boolean;
  /** BackendConfig.intraOpSpinning. Absent: each backend's default. */
  readonly intraOpSpinning?: boolean;
  /**
   * What models give for outputs that are not tensors (see ModelOptions.nonTensorOutputs), or a
   * function that says so at each model load. Default `skip`.
   */
  readonly nonTensorOutputs?: NonTensorOutputs | (() => NonTensorOutputs);
  /** Where the engine reports what happens. Default: nowhere. */
  readonly logger?: Logger;
  /** Where values are kept. Default: a new in-memory `Keyspace`. */
  readonly store?: ValueStore;
  /** Where backends loaded by path run. Default `process`. */
  readonly backendIsolation?: BackendIsolation;
  /**
   * Milliseconds a run may execute before it is answered with an error and stopped (0: no
   * limit), or a function that says so at each run. Default 5000.
   */
  readonly modelExecutionTimeoutMs?: number | (() => number);
}

export interface RestoreOptions {
  /**
   * A model or script whose backend is not loaded is kept as stored bytes that answer ERR to
   * runs until the backend is loaded (true), instead of being refused (false, the default).
   */
  readonly keepWithoutBackend?: boolean;
}

/** Counters of runs that did not run to the end, for INFO. */
export interface RunCounters {
  /** Dropped before they started, their client having disconnected. */
  dropped: number;
  /** Answered with a timeout error. */
  timedOut: number;
}

export interface ModelSetArgs {
  readonly backend: BackendName;
  /** `CPU`, `GPU` or `GPU:n`. */
  readonly device: string;
  readonly tag?: string;
  readonly batching?: BatchingPolicy;
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly blob: Buffer;
}

export interface ScriptSetArgs {
  /** `CPU`, `GPU` or `GPU:n`. */
  readonly device: string;
  readonly tag?: string;
  /** Functions callable with the entry-point convention (AI.SCRIPTSTORE). */
  readonly entryPoints?: readonly string[];
  readonly source: string;
}

export type ModelInfo = ModelRecord;
export type ScriptInfo = ScriptRecord;

export interface RunInfo {
  readonly key: string;
  readonly type: 'MODEL' | 'SCRIPT';
  readonly backend: BackendName;
  readonly device: string;
  readonly tag: string;
  readonly durationUs: number;
  readonly samples: number;
  readonly calls: number;
  readonly errors: number;
}

/** How one run request waits. */
export interface RunRequest {
  /** Milliseconds the run may wait in its queue before it is dropped with RunWaitTimedOut (TIMEOUT). */
  readonly queueTimeoutMs?: number;
  /** Aborted when the client that asked for the run has gone: a run not yet started is dropped. */
  readonly signal?: AbortSignal;
}

/** Former name of RunRequest. */
export type RunRequestOptions = RunRequest;

/** A function call of a script: plain tensor arguments (AI.SCRIPTRUN) or an entry point (AI.SCRIPTEXECUTE). */
export type ScriptCall =
  { readonly fn: string; readonly inputs: readonly Tensor[] } | { readonly fn: string; readonly entryPoint: EntryPointCall };

/** A model or a script as `models()` / `scripts()` list them (AI._MODELSCAN, AI._SCRIPTSCAN). */
export interface TaggedKey {
  readonly key: string;
  readonly tag: string;
}

/**
 * The engine: a keyspace of tensors, models and scripts, the loaded backends, and per-device
 * run queues. Usable in-process without any server; every failure is a `ReplyError`.
 */
export class Engine {
  readonly keyspace: ValueStore;
  readonly backends: BackendRegistry;
  readonly queues: RunQueues;
  readonly maxTensorBytes: number;
  readonly logger: Logger;
  readonly isolation: BackendIsolation;
  readonly runCounters: RunCounters = { dropped: 0, timedOut: 0 };
  /** Directory relative backend paths are resolved against (AI.CONFIG BACKENDSPATH changes it). */
  backendsPath: string | undefined;
  private threads: number;
  private readonly nonTensorOutputs: () => NonTensorOutputs;
  private readonly observers = new Set<EngineObserver>();
  /** The batcher of each model stored with BATCHSIZE, made at its first run. */
  private readonly batchers = new WeakMap<StoredModel, ModelBatcher>();
  /** The queue of each model and script that has run. */
  private readonly ownerQueues = new WeakMap<StoredModel | StoredScript, RunQueue>();
  /** Queues whose runs a backend process executes: their slots are the process's. */
  private readonly hostedQueues = new WeakSet<RunQueue>();
  private timeoutSource: () => number;

  constructor(options: EngineOptions = {}) {
    this.threads = Math.max(1, options.threadsPerQueue ?? 1);
    const config: BackendConfig = {
      intraOpThreads: options.intraOpThreads ?? 0,
      interOpThreads: options.interOpThreads ?? 0,
      allowUnsafeOps: options.allowUnsafeOps ?? false,
      threadsPerQueue: this.threads,
      ...(options.intraOpSpinning === undefined ? {} : { intraOpSpinning: options.intraOpSpinning }),
    };
    this.backends = new BackendRegistry(config);
    this.keyspace = options.store ?? new Keyspace();
    this.keyspace.onRemove((key, value) => {
      this.notify((o) => o.removed?.(value.kind, key));
    });
    this.queues = new RunQueues();
    this.maxTensorBytes = options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
    this.backendsPath = options.cwd;
    const nonTensorOutputs = options.nonTensorOutputs ?? 'skip';
    this.nonTensorOutputs = typeof nonTensorOutputs === 'function' ? nonTensorOutputs : () => nonTensorOutputs;
    this.logger = options.logger ?? silentLogger;
    this.isolation = options.backendIsolation ?? 'process';
    const timeout = options.modelExecutionTimeoutMs ?? DEFAULT_MODEL_EXECUTION_TIMEOUT_MS;
    this.timeoutSource = typeof timeout === 'function' ? timeout : () => timeout;
  }

  /** Runs at once on each backend and device queue (THREADS_PER_QUEUE). */
  get threadsPerQueue(): number {
    return this.threads;
  }

  /** Milliseconds a run may execute (MODEL_EXECUTION_TIMEOUT); 0: no limit. */
  get modelExecutionTimeoutMs(): number {
    return this.timeoutSource();
  }

  set modelExecutionTimeoutMs(ms: number) {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new ReplyError(`invalid execution timeout ${ms}: expected milliseconds ≥ 0`);
    this.timeoutSource = () => ms;
  }

  // ---- backends -------------------------------------------------------------------------

  /**
   * Loads a backend from a path (relative to BACKENDSPATH): into a process of its own
   * (`process` isolation), or into this one (`none`). Models and scripts kept without it are
   * loaded through it then.
   */
  async loadBackend(name: BackendName, path: string): Promise<LoadedBackend> {
    const loaded = await this.startBackend(name, path);
    await this.attachDeferred(loaded.backend);
    return loaded;
  }

  /** Registers a backend object as it is, in this process (whatever the isolation). */
  async registerBackend(backend: Backend): Promise<LoadedBackend> {
    const loaded = await this.backends.register(backend);
    await this.attachDeferred(loaded.backend);
    return loaded;
  }

  private startBackend(name: BackendName, path: string): Promise<LoadedBackend> {
    const cwd = this.backendsPath;
    if (this.isolation === 'none') return this.backends.load(name, path, cwd);
    return this.backends.loadWith(name, path, () =>
      HostedBackend.start({
        name,
        path,
        entry: resolveBackendEntry(path, cwd),
        ...(cwd === undefined ? {} : { cwd }),
        config: this.backends.backendConfig,
        threadsPerQueue: this.threads,
        maxTensorBytes: this.maxTensorBytes,
        logger: this.logger,
      }),
    );
  }

  /** Stops the backend processes. */
  async close(): Promise<void> {
    const hosted = this.backends.list().flatMap((b) => (b.backend instanceof HostedBackend ? [b.backend] : []));
    await Promise.all(hosted.map((b) => b.close()));
  }

  // ---- generic keyspace operations -------------------------------------------------------

  exists(key: Key): boolean {
    return this.keyspace.has(keyString(key));
  }

  delete(key: Key): boolean {
    return this.keyspace.delete(keyString(key));
  }

  /** `none`, or the module-style type name (`AI_TENSOR`, `AI__MODEL`, `AI_SCRIPT`). */
  type(key: Key): string {
    const v = this.keyspace.get(keyString(key));
    return v ? TYPE_NAMES[v.kind] : 'none';
  }

  keys(pattern?: Key): string[] {
    return this.keyspace.keys(pattern === undefined ? undefined : keyString(pattern));
  }

  scan(cursor: number, options: { count?: number; match?: Key; type?: ValueKind } = {}): ScanResult {
    const match = options.match === undefined ? undefined : keyString(options.match);
    return this.keyspace.scan(cursor, Math.max(1, options.count ?? 10), match, options.type);
  }

  get dbsize(): number {
    return this.keyspace.size;
  }

  flush(): void {
    this.keyspace.flush();
  }

  // ---- tensors ---------------------------------------------------------------------------

  tensorSet(key: Key, tensor: Tensor): void {
    if (tensor.byteLength > this.maxTensorBytes) {
      throw new ReplyError(`tensor of ${tensor.byteLength} bytes exceeds the limit of ${this.maxTensorBytes} bytes`);
    }
    this.keyspace.setSameKind(keyString(key), tensor);
  }

  /** The tensor at `key`; `emptyMessage` words the error when there is none. */
  tensorGet(key: Key, emptyMessage?: string): Tensor {
    return this.keyspace.getTyped(keyString(key), 'tensor', emptyMessage).tensor;
  }

  // ---- models ----------------------------------------------------------------------------

  async modelSet(key: Key, args: ModelSetArgs): Promise<void> {
    const k = keyString(key);
    this.assertKind(k, 'model');
    const device = parseDevice(args.device);
    const inputs = args.inputs ?? [];
    const outputs = args.outputs ?? [];
    if (args.backend !== 'TF' && (inputs.length > 0 || outputs.length > 0)) {
      throw new ReplyError(`INPUTS and OUTPUTS are only for TF models, not ${args.backend}`);
    }
    const batching = args.batching ?? NO_BATCHING;
    checkBatching(batching);
    const backend = this.backends.get(args.backend);
    this.checkDevice(backend, device);
    if (args.blob.length === 0) throw new ReplyError('model blob is empty');
    let handle;
    try {
      handle = await backend.loadModel(args.blob, this.modelOptions(args));
    } catch (err) {
      // The backend's own words, as the reference replied them.
      throw toReplyError(err);
    }
    if (this.keyspace.get(k) && this.keyspace.get(k)!.kind !== 'model') {
      await this.release(handle, k);
      throw wrongType();
    }
    this.keyspace.set(
      k,
      modelValue(k, { ...args, batching }, handle, () => this.release(handle, k)),
    );
  }

  /** The model at `key`; `emptyMessage` words the error when there is none. */
  model(key: Key, emptyMessage?: string): StoredModel {
    return this.keyspace.getTyped(keyString(key), 'model', emptyMessage);
  }

  modelGet(key: Key, emptyMessage?: string): ModelInfo {
    const m = this.model(key, emptyMessage);
    return {
      backend: m.backend,
      device: m.device,
      tag: m.tag,
      batching: m.batching,
      inputs: m.inputs,
      outputs: m.outputs,
      blob: m.blob,
    };
  }

  modelDel(key: Key, emptyMessage?: string): void {
    const k = keyString(key);
    this.keyspace.getTyped(k, 'model', emptyMessage);
    this.keyspace.delete(k);
  }

  /** Models with their tags, in the order they were first stored (AI._MODELSCAN). */
  models(): TaggedKey[] {
    const out: TaggedKey[] = [];
    for (const [key, m] of this.keyspace.ofKind('model')) out.push({ key, tag: m.tag });
    return out;
  }

  /**
   * Runs a model on the tensors at `inputKeys` and stores its outputs at `outputKeys`. The run
   * waits in the device's queue; other work on the event loop goes on meanwhile. Nothing is
   * stored unless the run succeeds; outputs that are not tensors are skipped.
   */
  async modelRun(key: Key, inputKeys: readonly Key[], outputKeys: readonly Key[], request: RunRequest = {}): Promise<void> {
    const model = this.model(key);
    this.assertTensorKeys(outputKeys);
    const inputs = inputKeys.map((k) => this.inputTensor(k));
    const outputs = await this.runModel(model, inputs, outputKeys.length, request);
    this.storeOutputs(outputKeys, outputs);
  }

  /**
   * Runs a model on tensors through its device's queue and returns its outputs (`null` for
   * those that are not tensors). Input and output counts are checked as part of the run, so
   * a mismatch counts as a call and an error, as the reference counted it.
   */
  runModel(model: StoredModel, inputs: readonly Tensor[], outputCount: number, request: RunRequest = {}): Promise<(Tensor | null)[]> {
    // A model kept without its backend answers ERR (not a call); once loaded, runs go to the handle behind it.
    runnableModel(model.handle);
    if (model.batching.batchSize > 0) return this.runBatched(model, inputs, outputCount, request);
    const samples = inputs[0]?.shape[0] ?? 0;
    return this.execute(model, samples, request, (o) => {
      checkRunCounts(model, inputs, outputCount);
      return runHandle(model, inputs, outputCount, o);
    });
  }

  /**
   * A run of a model with BATCHSIZE: it may be joined with other clients' runs (see
   * ModelBatcher). Each batch is one run of the model's queue, with its MODEL_EXECUTION_TIMEOUT.
   */
  private runBatched(model: StoredModel, inputs: readonly Tensor[], outputCount: number, request: RunRequest): Promise<(Tensor | null)[]> {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const queue = this.queueOf(model);
      batcher = new ModelBatcher(model.batching, {
        schedule: (exec, req) => {
          model.lease.acquire();
          return queue.submit(this.queuedRun(model, req, exec, false));
        },
        check: (ins, n) => {
          checkRunCounts(model, ins, n);
        },
        run: (ins, n, o) => runHandle(model, ins, n, o),
        succeeded: (us, samples) => {
          this.recordRun(model, samples, us, false);
        },
        failed: (err, samples) => this.runFailed(model, samples, queue.name, err),
      });
      this.batchers.set(model, batcher);
    }
    return batcher.submit(inputs, outputCount, request);
  }

  // ---- scripts ---------------------------------------------------------------------------

  async scriptSet(key: Key, args: ScriptSetArgs): Promise<void> {
    const k = keyString(key);
    this.assertKind(k, 'script');
    const dev = parseDevice(args.device);
    const backend = this.backends.get('TORCH');
    if (!backend.compileScript) throw new ReplyError('the loaded TORCH backend does not support scripts');
    this.checkDevice(backend, dev);
    const entryPoints = args.entryPoints ?? [];
    let handle;
    try {
      handle = await backend.compileScript(args.source, scriptOptions(args));
    } catch (err) {
      throw toReplyError(err);
    }
    const missing = handle.functionNames ? entryPoints.find((fn) => !handle.functionNames!.includes(fn)) : undefined;
    const existing = this.keyspace.get(k);
    if (missing !== undefined || (existing && existing.kind !== 'script')) {
      await this.release(handle, k);
      if (missing !== undefined) throw new ReplyError(`Function ${missing} does not exist in the given script.`);
      throw wrongType();
    }
    this.keyspace.set(
      k,
      scriptValue(k, args, handle, () => this.release(handle, k)),
    );
  }

  /** The script at `key`; `emptyMessage` words the error when there is none. */
  script(key: Key, emptyMessage?: string): StoredScript {
    return this.keyspace.getTyped(keyString(key), 'script', emptyMessage);
  }

  scriptGet(key: Key, emptyMessage?: string): ScriptInfo {
    const s = this.script(key, emptyMessage);
    return { device: s.device, tag: s.tag, entryPoints: s.entryPoints, source: s.source };
  }

  scriptDel(key: Key, emptyMessage?: string): void {
    const k = keyString(key);
    this.keyspace.getTyped(k, 'script', emptyMessage);
    this.keyspace.delete(k);
  }

  /** Scripts with their tags, in the order they were first stored (AI._SCRIPTSCAN). */
  scripts(): TaggedKey[] {
    const out: TaggedKey[] = [];
    for (const [key, s] of this.keyspace.ofKind('script')) out.push({ key, tag: s.tag });
    return out;
  }

  async scriptRun(key: Key, fn: string, inputKeys: readonly Key[], outputKeys: readonly Key[], request: RunRequest = {}): Promise<void> {
    const script = this.script(key);
    this.assertTensorKeys(outputKeys);
    const inputs = inputKeys.map((k) => this.inputTensor(k));
    const outputs = await this.runScript(script, { fn, inputs }, outputKeys.length, request);
    this.storeOutputs(outputKeys, outputs);
  }

  /**
   * Calls a function of a script through its device's queue. An unknown function fails as part
   * of the run (a call and an error), as the reference counted it.
   */
  runScript(script: StoredScript, call: ScriptCall, outputCount: number, request: RunRequest = {}): Promise<Tensor[]> {
    // A script kept without TORCH answers ERR (not a call); once loaded, runs go to the handle behind it.
    runnableScript(script.handle);
    const run = this.execute(script, -1, request, (o) => {
      const handle = runnableScript(script.handle);
      const names = handle.functionNames;
      if (names && !names.includes(call.fn)) throw new ReplyError(`function '${call.fn}' is not defined in the script`);
      let result: Promise<TimedOutputs>;
      if ('entryPoint' in call) {
        if (handle instanceof HostedScript) {
          const { keys, args, tensors } = call.entryPoint;
          result = handle.runTimed({ fn: call.fn, entryPoint: { keys, args } }, tensors, outputCount, o);
        } else {
          if (!handle.runEntryPoint) throw new ReplyError('the loaded TORCH backend cannot call entry points');
          const runEntryPoint = handle.runEntryPoint.bind(handle);
          result = timed(() => runEntryPoint(call.fn, call.entryPoint, outputCount, o));
        }
      } else {
        result =
          handle instanceof HostedScript
            ? handle.runTimed({ fn: call.fn }, call.inputs, outputCount, o)
            : timed(() => handle.run(call.fn, call.inputs, outputCount, o));
      }
      return result.then((r) => {
        checkOutputCount(r.outputs, outputCount);
        return { outputs: tensorsOnly(r.outputs), durationUs: r.durationUs };
      });
    });
    return run.then((outputs) => tensorsOnly(outputs));
  }

  // ---- restoring stored values ----------------------------------------------------------

  /**
   * Stores a value read back from disk, replacing whatever the key holds. Models and scripts are
   * loaded through their backends again; one whose backend is not loaded is refused with an
   * ReplyError naming the key and the backend, or kept as stored bytes with `keepWithoutBackend`.
   */
  async restore(key: Key, record: ValueRecord, options: RestoreOptions = {}): Promise<void> {
    const k = keyString(key);
    switch (record.kind) {
      case 'tensor':
        this.keyspace.set(k, record.tensor);
        return;
      case 'model': {
        const args = { ...record.model, batching: record.model.batching ?? NO_BATCHING };
        const loaded = this.backends.list().find((b) => b.name === args.backend);
        let handle: ModelHandle;
        if (loaded) {
          try {
            handle = await loaded.backend.loadModel(args.blob, this.modelOptions(args));
          } catch (err) {
            throw toReplyError(err, `could not load the ${args.backend} model at key '${k}'`);
          }
        } else if (options.keepWithoutBackend) {
          handle = new DeferredModelHandle(args.backend);
          this.logger.warning('model kept without its backend: it answers ERR until the backend is loaded', {
            key: k,
            backend: args.backend,
          });
        } else {
          throw missingBackend(k, 'model', args.backend);
        }
        this.keyspace.set(
          k,
          modelValue(k, args, handle, () => this.release(handle, k)),
        );
        return;
      }
      case 'script': {
        const args = record.script;
        const torch = this.backends.list().find((b) => b.name === 'TORCH')?.backend;
        let handle: ScriptHandle;
        if (torch?.compileScript) {
          try {
            handle = await torch.compileScript(args.source, scriptOptions(args));
          } catch (err) {
            throw toReplyError(err, `could not compile the script at key '${k}'`);
          }
        } else if (options.keepWithoutBackend) {
          handle = new DeferredScriptHandle();
          this.logger.warning('script kept without its backend: it answers ERR until TORCH is loaded', { key: k });
        } else {
          throw missingBackend(k, 'script', 'TORCH');
        }
        this.keyspace.set(
          k,
          scriptValue(k, args, handle, () => this.release(handle, k)),
        );
        return;
      }
    }
  }

  /** Loads the models and scripts kept without `backend` now that it is loaded. */
  private async attachDeferred(backend: Backend): Promise<void> {
    const waiting: (StoredModel | StoredScript)[] = [];
    for (const k of this.keyspace.keys()) {
      const v = this.keyspace.get(k);
      if (v?.kind === 'model' && v.handle instanceof DeferredModelHandle && v.backend === backend.name) waiting.push(v);
      if (v?.kind === 'script' && v.handle instanceof DeferredScriptHandle && backend.name === 'TORCH') waiting.push(v);
    }
    for (const v of waiting) {
      try {
        if (v.kind === 'model' && v.handle instanceof DeferredModelHandle) {
          v.handle.attach(await backend.loadModel(v.blob, this.modelOptions(v)));
        } else if (v.kind === 'script' && v.handle instanceof DeferredScriptHandle && backend.compileScript) {
          v.handle.attach(await backend.compileScript(v.source, scriptOptions(v)));
        }
      } catch (err) {
        const reason = oneLine(err instanceof Error ? err.message : String(err));
        if (v.handle instanceof DeferredModelHandle || v.handle instanceof DeferredScriptHandle) v.handle.failure = reason;
        this.logger.warning(`a kept ${v.kind} could not be loaded by backend ${backend.name}`, { reason });
      }
    }
  }

  /** How a backend loads a model stored with `m`. */
  private modelOptions(m: { readonly device: string; readonly inputs?: readonly string[]; readonly outputs?: readonly string[] }) {
    return { device: parseDevice(m.device), inputs: m.inputs ?? [], outputs: m.outputs ?? [], nonTensorOutputs: this.nonTensorOutputs() };
  }

  // ---- statistics ------------------------------------------------------------------------

  info(key: Key): RunInfo {
    const k = keyString(key);
    const v = this.keyspace.get(k);
    if (!v || v.kind === 'tensor') throw new ReplyError('cannot find run info for key');
    const s = v.stats;
    return {
      key: k,
      type: v.kind === 'model' ? 'MODEL' : 'SCRIPT',
      backend: v.kind === 'model' ? v.backend : 'TORCH',
      device: v.device,
      tag: v.tag,
      durationUs: s.durationUs,
      samples: v.kind === 'model' ? s.samples : -1,
      calls: s.calls,
      errors: s.errors,
    };
  }

  resetStat(key: Key): void {
    const v = this.keyspace.get(keyString(key));
    if (!v || v.kind === 'tensor') throw new ReplyError('cannot find run info for key');
    v.stats.reset();
  }

  // ---- settings --------------------------------------------------------------------------

  /**
   * Runs at once on each backend and device queue: at once for the queues of backends in this
   * process, for backend processes started from now on (a backend loaded later) otherwise.
   */
  setThreadsPerQueue(n: number): void {
    this.threads = Math.max(1, n);
    this.backends.configure({ threadsPerQueue: this.threads });
    for (const q of this.queues.list()) if (!this.hostedQueues.has(q)) q.resize(this.threads);
  }

  /** Operator threads for backends loaded and models stored from now on. */
  setOpThreads(changes: { readonly intraOpThreads?: number; readonly interOpThreads?: number }): void {
    this.backends.configure(changes);
  }

  // ---- outputs ---------------------------------------------------------------------------

  /**
   * Stores a run's outputs at `keys`, in order: all or none. An output that is not a tensor
   * (`null`) leaves its key as it is.
   */
  storeOutputs(keys: readonly Key[], outputs: readonly (Tensor | null)[]): void {
    if (outputs.length !== keys.length) {
      throw new ReplyError(`run produced ${outputs.length} outputs, ${keys.length} OUTPUTS keys were given`);
    }
    for (const t of outputs) {
      if (t && t.byteLength > this.maxTensorBytes) throw new ReplyError(`output tensor of ${t.byteLength} bytes exceeds the limit`);
    }
    this.assertTensorKeys(keys);
    // One run's outputs are stored together: observers (the append-only file) keep them so.
    this.keyspace.beginGroup();
    try {
      keys.forEach((k, i) => {
        const t = outputs[i];
        if (t) this.keyspace.set(keyString(k), t);
      });
    } finally {
      this.keyspace.endGroup();
    }
  }

  /** Refuses, with WRONGTYPE, keys that hold something other than a tensor (OUTPUTS keys, before a run). */
  assertTensorKeys(keys: readonly Key[]): void {
    for (const k of keys) this.assertKind(keyString(k), 'tensor');
  }

  /** The tensor at an INPUTS key: `emptyMessage` when there is none, WRONGTYPE for another kind. */
  inputTensor(key: Key, emptyMessage = 'Input key is empty'): Tensor {
    const v: StoredValue | undefined = this.keyspace.get(keyString(key));
    if (!v) throw new ReplyError(emptyMessage);
    if (v.kind !== 'tensor') throw wrongType();
    return v.tensor;
  }

  /**
   * Tells `observer` of every run that finishes and every model or script that goes, from now
   * on. Returns the function that stops it.
   */
  observe(observer: EngineObserver): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  /** Each run queue's occupancy, whatever the queues are. */
  queueStats(): QueueStats[] {
    return this.queues.list().map((q) => ({ name: q.name, running: q.running, waiting: q.depth }));
  }

  /** The tensors held and their bytes. */
  tensorMemory(): TensorMemory {
    return this.keyspace.tensorMemory;
  }

  // ---- internals -------------------------------------------------------------------------

  /** Counts a finished run in its model's or script's statistics and tells the observers. */
  private recordRun(owner: StoredModel | StoredScript, samples: number, durationUs: number, failed: boolean): void {
    owner.stats.record(durationUs, Math.max(0, samples), failed);
    if (this.observers.size === 0) return;
    const run: RunRecord = {
      kind: owner.kind,
      key: owner.key,
      backend: owner.kind === 'model' ? owner.backend : 'TORCH',
      device: owner.device,
      durationUs,
      batchSize: samples,
      failed,
      removed: this.keyspace.get(owner.key) !== owner,
    };
    this.notify((o) => o.runFinished?.(run));
  }

  private notify(call: (observer: EngineObserver) => void): void {
    for (const o of this.observers) {
      try {
        call(o);
      } catch (err) {
        this.logger.warning(`an engine observer failed: ${oneLine(err instanceof Error ? err.message : String(err))}`);
      }
    }
  }

  /** Releases a model or script handle; a backend failing to is logged, since no client waits on it. */
  private async release(handle: ModelHandle | ScriptHandle, key: string): Promise<void> {
    try {
      await handle.release();
    } catch (err) {
      this.logger.warning(`releasing a backend handle failed: ${oneLine(err instanceof Error ? err.message : String(err))}`, {
        key,
      });
    }
  }

  /** A key holding another kind of value is not overwritten: WRONGTYPE, as the reference did. */
  private assertKind(k: string, kind: ValueKind): void {
    const old = this.keyspace.get(k);
    if (old && old.kind !== kind) throw wrongType();
  }

  private checkDevice(backend: Backend, device: Device): void {
    const name = formatDevice(device);
    const available = backend.devices();
    if (available.includes(name)) return;
    const why = device.kind === 'GPU' && backend.unavailableReason ? ` (${oneLine(backend.unavailableReason)})` : '';
    throw new ReplyError(`device ${name} is not available to backend ${backend.name}${why}; available: ${available.join(', ') || 'none'}`);
  }

  /**
   * Runs `exec` for a model or script in the queue of its backend and device, holding its
   * handle until the queue is done with the run (which may be after its client was answered: a
   * timeout), and records the run in its statistics: a failure counts as a call and an error.
   */
  private execute(
    owner: StoredModel | StoredScript,
    samples: number,
    request: RunRequest,
    exec: (options: RunOptions) => Promise<TimedOutputs>,
  ): Promise<(Tensor | null)[]> {
    const queue = this.queueOf(owner);
    owner.lease.acquire();
    return queue.submit(this.queuedRun(owner, request, exec, true)).then(
      (result) => {
        this.recordRun(owner, samples, result.durationUs, false);
        return result.outputs;
      },
      (err: unknown) => {
        throw this.runFailed(owner, samples, queue.name, err);
      },
    );
  }

  /** What the queue needs to know of a run: its time limits, its client, its name in logs. */
  private queuedRun(
    owner: StoredModel | StoredScript,
    request: RunRequest,
    exec: (options: RunOptions) => Promise<TimedOutputs>,
    ahead: boolean,
  ): QueuedRun<TimedOutputs> {
    // A TIMEOUT of 0 is no limit, as the queue reads it.
    return new OwnerRun(owner, this.modelExecutionTimeoutMs, exec, request.queueTimeoutMs, request.signal, ahead);
  }

  /** The queue of a model's or script's backend and device, found once per model or script. */
  private queueOf(owner: StoredModel | StoredScript): RunQueue {
    let queue = this.ownerQueues.get(owner);
    if (!queue) {
      queue = this.queueFor(ownerBackend(owner), normaliseDevice(owner.device));
      this.ownerQueues.set(owner, queue);
    }
    return queue;
  }

  /**
   * The error a failed run is answered with, once counted: a run dropped (its client gone, or
   * its TIMEOUT passed while it waited) is not a call; any other failure is a call and an
   * error, and a timeout also counts in `runCounters`.
   */
  private runFailed(owner: StoredModel | StoredScript, samples: number, queue: string, err: unknown): Error {
    const label = `${owner.kind} '${oneLine(owner.key)}'`;
    if (err instanceof RunDropped) {
      this.runCounters.dropped++;
      this.logger.notice(`${label} was dropped: its client disconnected before it started`, { queue });
      return err;
    }
    if (isRunWaitTimedOut(err)) return err;
    this.recordRun(owner, samples, 0, true);
    if (err instanceof RunTimedOut) {
      this.runCounters.timedOut++;
      return err;
    }
    const timeoutMs = this.modelExecutionTimeoutMs;
    if (timeoutMs > 0 && isDeadlineError(err)) {
      this.runCounters.timedOut++;
      this.logger.warning(`${label} timed out after ${timeoutMs} ms`, { queue });
      return new RunTimedOut(`${owner.kind} execution timed out after ${timeoutMs} ms`);
    }
    return toReplyError(err);
  }

  /** The queue of a backend on a device; runs of a backend process are handed to it ahead. */
  private queueFor(backend: BackendName, device: string): RunQueue {
    const name = `${backend}:${device}`;
    return this.queues.for(name, () => {
      const loaded = this.backends.get(backend);
      const hosted = loaded instanceof HostedBackend ? loaded : undefined;
      const slots = hosted ? hosted.threadsPerQueue : this.threads;
      const queue = new RunQueue(name, {
        slots,
        lookahead: hosted ? slots : 0,
        logger: this.logger,
        onOverrun: hosted
          ? (label) => {
              hosted.killForTimeout(label);
            }
          : (label) => {
              this.logger.warning(`${label} still runs after its time limit; it keeps its ${name} queue slot until the backend returns`);
            },
      });
      if (hosted) {
        hosted.attachQueue(queue);
        this.hostedQueues.add(queue);
      }
      return queue;
    });
  }
}

/** The stored record of a model: what MODELSET / MODELSTORE was given, with the loaded handle. */
function modelValue(key: string, args: ModelSetArgs, handle: ModelHandle, release: () => Promise<void>): StoredModel {
  return {
    kind: 'model',
    key,
    backend: args.backend,
    device: args.device.toUpperCase(),
    tag: args.tag ?? '',
    batching: { ...(args.batching ?? NO_BATCHING) },
    inputs: [...(args.inputs ?? [])],
    outputs: [...(args.outputs ?? [])],
    blob: args.blob,
    handle,
    stats: new RunStats(),
    lease: new Lease(release),
  };
}

/** How TORCH compiles a script stored with `args` (its entry points, when it has some). */
function scriptOptions(args: { readonly device: string; readonly entryPoints?: readonly string[] }) {
  const entryPoints = args.entryPoints ?? [];
  return { device: parseDevice(args.device), ...(entryPoints.length > 0 ? { entryPoints } : {}) };
}

/** The stored record of a script: what SCRIPTSET / SCRIPTSTORE was given, with the compiled handle. */
function scriptValue(key: string, args: ScriptSetArgs, handle: ScriptHandle, release: () => Promise<void>): StoredScript {
  return {
    kind: 'script',
    key,
    device: args.device.toUpperCase(),
    tag: args.tag ?? '',
    entryPoints: [...(args.entryPoints ?? [])],
    source: args.source,
    handle,
    stats: new RunStats(),
    lease: new Lease(release),
  };
}

function missingBackend(key: string, what: 'model' | 'script', backend: BackendName): ReplyError {
  return new ReplyError(
    `key '${key}' holds a ${backend} ${what} but backend ${backend} is not loaded: load it first with --loadbackend ${backend} <path>, or start with --keep-models-without-backend yes to keep such values until it is loaded`,
  );
}

/** The backend a model or script runs on. */
function ownerBackend(owner: StoredModel | StoredScript): BackendName {
  return owner.kind === 'model' ? owner.backend : 'TORCH';
}

/** Runs `run` and measures it. */
function timed(run: () => Promise<(Tensor | null)[]>): Promise<TimedOutputs> {
  const t0 = performance.now();
  return run().then((outputs) => ({ outputs, durationUs: (performance.now() - t0) * 1000 }));
}

function checkOutputCount(outputs: readonly unknown[], outputCount: number): void {
  if (outputs.length !== outputCount) {
    throw new ReplyError(`run produced ${outputs.length} outputs, ${outputCount} OUTPUTS keys were given`);
  }
}

/** A run's input and output counts against what the model (or its MODELSET names) says, when it says. */
function checkRunCounts(model: StoredModel, inputs: readonly Tensor[], outputCount: number): void {
  const handle = runnableModel(model.handle);
  const expectedIn = handle.inputNames?.length ?? (model.inputs.length || undefined);
  if (expectedIn !== undefined && inputs.length !== expectedIn) {
    throw new ReplyError(`model expects ${expectedIn} inputs, got ${inputs.length}`);
  }
  const expectedOut = handle.outputNames?.length ?? (model.outputs.length || undefined);
  if (expectedOut !== undefined && outputCount !== expectedOut) {
    throw new ReplyError(`model has ${expectedOut} outputs, got ${outputCount} OUTPUTS keys`);
  }
}

/** Runs a model's handle once, measured (by its backend process, when it has one). */
function runHandle(model: StoredModel, inputs: readonly Tensor[], outputCount: number, options: RunOptions): Promise<TimedOutputs> {
  const handle = runnableModel(model.handle);
  const run =
    handle instanceof HostedModel ? handle.runTimed(inputs, outputCount, options) : timed(() => handle.run(inputs, outputCount, options));
  return run.then((result) => {
    checkOutputCount(result.outputs, outputCount);
    return result;
  });
}

/**
 * A run of a model or script as its queue sees it. Its label and timeout message are only
 * needed when something goes wrong, so they are made then.
 */
class OwnerRun implements QueuedRun<TimedOutputs> {
  constructor(
    private readonly owner: StoredModel | StoredScript,
    readonly timeoutMs: number,
    readonly exec: (options: RunOptions) => Promise<TimedOutputs>,
    readonly waitTimeoutMs: number | undefined,
    readonly signal: AbortSignal | undefined,
    readonly ahead: boolean,
  ) {}

  get label(): string {
    return `${this.owner.kind} '${oneLine(this.owner.key)}'`;
  }

  get timeoutMessage(): string {
    return `${this.owner.kind} execution timed out after ${this.timeoutMs} ms`;
  }

  onDone(): void {
    this.owner.lease.settle();
  }
}

function normaliseDevice(device: string): string {
  return formatDevice(parseDevice(device));
}

function checkBatching(b: BatchingPolicy): void {
  for (const v of [b.batchSize, b.minBatchSize, b.minBatchTimeoutMs]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ReplyError('batching settings must be whole numbers ≥ 0');
  }
  if (b.minBatchSize > 0 && b.batchSize === 0) throw new ReplyError('MINBATCHSIZE specified without BATCHSIZE');
  if (b.minBatchTimeoutMs > 0 && b.minBatchSize === 0) throw new ReplyError('MINBATCHTIMEOUT specified without MINBATCHSIZE');
}
