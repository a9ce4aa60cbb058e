import { performance } from 'node:perf_hooks';
import {
  type Backend,
  type BackendConfig,
  type BackendName,
  type Device,
  type ModelHandle,
  type RunOptions,
  type ScriptHandle,
  formatDevice,
} from './backend.js';
import { BackendRegistry, type LoadedBackend, resolveBackendEntry } from './backend-loader.js';
import { DeferredModelHandle, DeferredScriptHandle, runnableModel, runnableScript } from './deferred-handle.js';
import { parseDevice } from './device.js';
import { ReplyError, oneLine, toReplyError, wrongType } from './errors.js';
import { HostedBackend } from './host/hosted-backend.js';
import { HostedModel, HostedScript, type TimedOutputs } from './host/hosted-handles.js';
import {
  type Key,
  Keyspace,
  Lease,
  type ScanResult,
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
import { RunDropped, RunQueue, RunQueues, RunTimedOut } from './run-queue.js';
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

export interface RunRequestOptions {
  /** Aborted when the client that asked for the run has gone: a run not yet started is dropped. */
  readonly signal?: AbortSignal;
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
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly blob: Buffer;
}

export interface ModelInfo {
  readonly backend: BackendName;
  readonly device: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly blob: Buffer;
}

export interface ScriptInfo {
  readonly device: string;
  readonly source: string;
}

/** A model or script about to run: what its run is recorded under. */
interface RunTarget {
  readonly kind: 'model' | 'script';
  readonly key: string;
  readonly backend: BackendName;
  readonly device: string;
  readonly stats: RunStats;
  readonly lease: Lease;
  /** The 0-th dimension of a model's first input; -1 for a script. */
  readonly samples: number;
}

export interface RunInfo {
  readonly key: string;
  readonly type: 'MODEL' | 'SCRIPT';
  readonly backend: BackendName;
  readonly device: string;
  readonly durationUs: number;
  readonly samples: number;
  readonly calls: number;
  readonly errors: number;
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
  readonly threadsPerQueue: number;
  readonly runCounters: RunCounters = { dropped: 0, timedOut: 0 };
  private readonly cwd: string | undefined;
  private readonly observers = new Set<EngineObserver>();
  private timeoutSource: () => number;

  constructor(options: EngineOptions = {}) {
    this.threadsPerQueue = Math.max(1, options.threadsPerQueue ?? 1);
    const config: BackendConfig = {
      intraOpThreads: options.intraOpThreads ?? 0,
      interOpThreads: options.interOpThreads ?? 0,
      allowUnsafeOps: options.allowUnsafeOps ?? false,
      threadsPerQueue: this.threadsPerQueue,
    };
    this.backends = new BackendRegistry(config);
    this.keyspace = options.store ?? new Keyspace();
    this.keyspace.onRemove((key, value) => {
      this.notify((o) => o.removed?.(value.kind, key));
    });
    this.queues = new RunQueues();
    this.maxTensorBytes = options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
    this.cwd = options.cwd;
    this.logger = options.logger ?? silentLogger;
    this.isolation = options.backendIsolation ?? 'process';
    const timeout = options.modelExecutionTimeoutMs ?? DEFAULT_MODEL_EXECUTION_TIMEOUT_MS;
    this.timeoutSource = typeof timeout === 'function' ? timeout : () => timeout;
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
   * Loads a backend from a path: into a process of its own (`process` isolation), or into this
   * one (`none`). Models and scripts kept without it are loaded through it then.
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
    if (this.isolation === 'none') return this.backends.load(name, path, this.cwd);
    return this.backends.loadWith(name, path, () =>
      HostedBackend.start({
        name,
        path,
        entry: resolveBackendEntry(path, this.cwd),
        ...(this.cwd === undefined ? {} : { cwd: this.cwd }),
        config: this.backends.backendConfig,
        threadsPerQueue: this.threadsPerQueue,
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
    const k = keyString(key);
    this.assertKind(k, 'tensor');
    this.keyspace.set(k, { kind: 'tensor', tensor });
  }

  tensorGet(key: Key): Tensor {
    return this.keyspace.getTyped(keyString(key), 'tensor', 'tensor').tensor;
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
    const backend = this.backends.get(args.backend);
    this.checkDevice(backend, device);
    if (args.blob.length === 0) throw new ReplyError('model blob is empty');
    let handle;
    try {
      handle = await backend.loadModel(args.blob, { device, inputs, outputs });
    } catch (err) {
      throw toReplyError(err, `could not load ${args.backend} model`);
    }
    if (this.keyspace.get(k) && this.keyspace.get(k)!.kind !== 'model') {
      await this.release(handle, k);
      throw wrongType();
    }
    this.keyspace.set(
      k,
      modelValue(args, handle, () => this.release(handle, k)),
    );
  }

  modelGet(key: Key): ModelInfo {
    const m = this.keyspace.getTyped(keyString(key), 'model', 'model');
    return { backend: m.backend, device: m.device, inputs: m.inputs, outputs: m.outputs, blob: m.blob };
  }

  modelDel(key: Key): void {
    const k = keyString(key);
    this.keyspace.getTyped(k, 'model', 'model');
    this.keyspace.delete(k);
  }

  /**
   * Runs a model on the tensors at `inputKeys` and stores its outputs at `outputKeys`. The run
   * waits in the device's queue; other work on the event loop goes on meanwhile. Nothing is
   * stored unless every output is produced.
   */
  async modelRun(key: Key, inputKeys: readonly Key[], outputKeys: readonly Key[], options: RunRequestOptions = {}): Promise<void> {
    const k = keyString(key);
    const model = this.keyspace.getTyped(k, 'model', 'model');
    // A model kept without its backend answers ERR; once loaded, runs go to the handle behind it.
    const handle = runnableModel(model.handle);
    if (outputKeys.length === 0) throw new ReplyError('OUTPUTS needs at least one key');
    for (const k of outputKeys) this.assertKind(keyString(k), 'tensor');
    const inputs = inputKeys.map((k) => this.inputTensor(k));
    const expectedIn = handle.inputNames?.length ?? (model.inputs.length || undefined);
    if (expectedIn !== undefined && inputs.length !== expectedIn) {
      throw new ReplyError(`model expects ${expectedIn} inputs, got ${inputs.length}`);
    }
    const expectedOut = handle.outputNames?.length ?? (model.outputs.length || undefined);
    if (expectedOut !== undefined && outputKeys.length !== expectedOut) {
      throw new ReplyError(`model has ${expectedOut} outputs, got ${outputKeys.length} OUTPUTS keys`);
    }
    const count = outputKeys.length;
    const exec =
      handle instanceof HostedModel
        ? (o: RunOptions) => handle.runTimed(inputs, count, o)
        : (o: RunOptions) => timed(() => handle.run(inputs, count, o));
    const target: RunTarget = {
      kind: 'model',
      key: k,
      backend: model.backend,
      device: model.device,
      stats: model.stats,
      lease: model.lease,
      samples: inputs[0]?.shape[0] ?? 0,
    };
    const outputs = await this.execute(target, exec, options.signal);
    this.storeOutputs(outputKeys, outputs);
  }

  // ---- scripts ---------------------------------------------------------------------------

  async scriptSet(key: Key, device: string, source: string): Promise<void> {
    const k = keyString(key);
    this.assertKind(k, 'script');
    const dev = parseDevice(device);
    const backend = this.backends.get('TORCH');
    if (!backend.compileScript) throw new ReplyError('the loaded TORCH backend does not support scripts');
    this.checkDevice(backend, dev);
    let handle;
    try {
      handle = await backend.compileScript(source, { device: dev });
    } catch (err) {
      throw toReplyError(err, 'could not compile script');
    }
    if (this.keyspace.get(k) && this.keyspace.get(k)!.kind !== 'script') {
      await this.release(handle, k);
      throw wrongType();
    }
    this.keyspace.set(
      k,
      scriptValue(device, source, handle, () => this.release(handle, k)),
    );
  }

  scriptGet(key: Key): ScriptInfo {
    const s = this.keyspace.getTyped(keyString(key), 'script', 'script');
    return { device: s.device, source: s.source };
  }

  scriptDel(key: Key): void {
    const k = keyString(key);
    this.keyspace.getTyped(k, 'script', 'script');
    this.keyspace.delete(k);
  }

  async scriptRun(
    key: Key,
    fn: string,
    inputKeys: readonly Key[],
    outputKeys: readonly Key[],
    options: RunRequestOptions = {},
  ): Promise<void> {
    const k = keyString(key);
    const script = this.keyspace.getTyped(k, 'script', 'script');
    const handle = runnableScript(script.handle);
    if (outputKeys.length === 0) throw new ReplyError('OUTPUTS needs at least one key');
    const names = handle.functionNames;
    if (names && !names.includes(fn)) throw new ReplyError(`function '${fn}' is not defined in the script`);
    for (const k of outputKeys) this.assertKind(keyString(k), 'tensor');
    const inputs = inputKeys.map((k) => this.inputTensor(k));
    const count = outputKeys.length;
    const exec =
      handle instanceof HostedScript
        ? (o: RunOptions) => handle.runTimed(fn, inputs, count, o)
        : (o: RunOptions) => timed(() => handle.run(fn, inputs, count, o));
    const target: RunTarget = {
      kind: 'script',
      key: k,
      backend: 'TORCH',
      device: script.device,
      stats: script.stats,
      lease: script.lease,
      samples: -1,
    };
    const outputs = await this.execute(target, exec, options.signal);
    this.storeOutputs(outputKeys, outputs);
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
        this.keyspace.set(k, { kind: 'tensor', tensor: record.tensor });
        return;
      case 'model': {
        const args = record.model;
        const loaded = this.backends.list().find((b) => b.name === args.backend);
        let handle: ModelHandle;
        if (loaded) {
          try {
            handle = await loaded.backend.loadModel(args.blob, modelOptions(args));
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
          modelValue(args, handle, () => this.release(handle, k)),
        );
        return;
      }
      case 'script': {
        const { device, source } = record.script;
        const torch = this.backends.list().find((b) => b.name === 'TORCH')?.backend;
        let handle: ScriptHandle;
        if (torch?.compileScript) {
          try {
            handle = await torch.compileScript(source, { device: parseDevice(device) });
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
          scriptValue(device, source, handle, () => this.release(handle, k)),
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
          v.handle.attach(await backend.loadModel(v.blob, modelOptions(v)));
        } else if (v.kind === 'script' && v.handle instanceof DeferredScriptHandle && backend.compileScript) {
          v.handle.attach(await backend.compileScript(v.source, { device: parseDevice(v.device) }));
        }
      } catch (err) {
        const reason = oneLine(err instanceof Error ? err.message : String(err));
        if (v.handle instanceof DeferredModelHandle || v.handle instanceof DeferredScriptHandle) v.handle.failure = reason;
        this.logger.warning(`a kept ${v.kind} could not be loaded by backend ${backend.name}`, { reason });
      }
    }
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

  private inputTensor(key: Key): Tensor {
    const v: StoredValue | undefined = this.keyspace.get(keyString(key));
    if (!v) throw new ReplyError(`input key '${String(key)}' is empty or does not exist`);
    if (v.kind !== 'tensor') throw new ReplyError(`input key '${String(key)}' does not hold a tensor`, 'WRONGTYPE');
    return v.tensor;
  }

  /**
   * Runs `exec` in the queue of the target's backend and device. The handle stays leased until
   * the queue is done with the run, which may be after its client was answered (a timeout).
   */
  private async execute(
    target: RunTarget,
    exec: (options: RunOptions) => Promise<TimedOutputs>,
    signal: AbortSignal | undefined,
  ): Promise<Tensor[]> {
    const queue = this.queueFor(target.backend, normaliseDevice(target.device));
    const timeoutMs = this.modelExecutionTimeoutMs;
    const label = `${target.kind} '${oneLine(target.key)}'`;
    target.lease.acquire();
    let result: TimedOutputs;
    try {
      result = await queue.submit({
        exec,
        timeoutMs,
        timeoutMessage: `${target.kind} execution timed out after ${timeoutMs} ms`,
        ...(signal ? { signal } : {}),
        label,
        onDone: () => {
          target.lease.settle();
        },
      });
    } catch (err) {
      if (err instanceof RunDropped) {
        this.runCounters.dropped++;
        this.logger.notice(`${label} was dropped: its client disconnected before it started`, { queue: queue.name });
        throw err;
      }
      this.recordRun(target, 0, true);
      if (err instanceof RunTimedOut) {
        this.runCounters.timedOut++;
      } else if (timeoutMs > 0 && isDeadlineError(err)) {
        this.runCounters.timedOut++;
        this.logger.warning(`${label} timed out after ${timeoutMs} ms`, { queue: queue.name });
        throw new RunTimedOut(`${target.kind} execution timed out after ${timeoutMs} ms`);
      }
      throw toReplyError(err);
    }
    this.recordRun(target, result.durationUs, false);
    return result.outputs;
  }

  /** Counts a finished run in its model's or script's statistics and tells the observers. */
  private recordRun(target: RunTarget, durationUs: number, failed: boolean): void {
    target.stats.record(durationUs, Math.max(0, target.samples), failed);
    if (this.observers.size === 0) return;
    const now = this.keyspace.get(target.key);
    const run: RunRecord = {
      kind: target.kind,
      key: target.key,
      backend: target.backend,
      device: target.device,
      durationUs,
      batchSize: target.samples,
      failed,
      removed: now === undefined || now.kind === 'tensor' || now.stats !== target.stats,
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

  /** The queue of a backend on a device; runs of a backend process are handed to it ahead. */
  private queueFor(backend: BackendName, device: string): RunQueue {
    const name = `${backend}:${device}`;
    return this.queues.for(name, () => {
      const loaded = this.backends.get(backend);
      const hosted = loaded instanceof HostedBackend ? loaded : undefined;
      const queue = new RunQueue(name, {
        slots: this.threadsPerQueue,
        lookahead: hosted ? this.threadsPerQueue : 0,
        logger: this.logger,
        onOverrun: hosted
          ? (label) => {
              hosted.killForTimeout(label);
            }
          : (label) => {
              this.logger.warning(`${label} still runs after its time limit; it keeps its ${name} queue slot until the backend returns`);
            },
      });
      hosted?.attachQueue(queue);
      return queue;
    });
  }

  private storeOutputs(keys: readonly Key[], outputs: readonly Tensor[]): void {
    if (outputs.length !== keys.length) {
      throw new ReplyError(`run produced ${outputs.length} outputs, ${keys.length} OUTPUTS keys were given`);
    }
    for (const t of outputs) {
      if (t.byteLength > this.maxTensorBytes) throw new ReplyError(`output tensor of ${t.byteLength} bytes exceeds the limit`);
    }
    for (const k of keys) this.assertKind(keyString(k), 'tensor');
    // One run's outputs are stored together: observers (the append-only file) keep them so.
    this.keyspace.beginGroup();
    try {
      keys.forEach((k, i) => {
        this.keyspace.set(keyString(k), { kind: 'tensor', tensor: outputs[i]! });
      });
    } finally {
      this.keyspace.endGroup();
    }
  }
}

function modelOptions(m: {
  readonly backend: BackendName;
  readonly device: string;
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
}) {
  return { device: parseDevice(m.device), inputs: m.inputs ?? [], outputs: m.outputs ?? [] };
}

/** The stored record of a model: what MODELSET was given, with the loaded handle. */
function modelValue(args: ModelSetArgs, handle: ModelHandle, release: () => Promise<void>): StoredModel {
  return {
    kind: 'model',
    backend: args.backend,
    device: args.device.toUpperCase(),
    inputs: [...(args.inputs ?? [])],
    outputs: [...(args.outputs ?? [])],
    blob: args.blob,
    handle,
    stats: new RunStats(),
    lease: new Lease(release),
  };
}

function scriptValue(device: string, source: string, handle: ScriptHandle, release: () => Promise<void>): StoredScript {
  return {
    kind: 'script',
    device: device.toUpperCase(),
    source,
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

/** Runs `run` and measures it. */
async function timed(run: () => Promise<Tensor[]>): Promise<TimedOutputs> {
  const t0 = performance.now();
  const outputs = await run();
  return { outputs, durationUs: (performance.now() - t0) * 1000 };
}

function normaliseDevice(device: string): string {
  return formatDevice(parseDevice(device));
}
