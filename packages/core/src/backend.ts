import type { Tensor } from './tensor.js';

/**
 * The contract a backend package fulfils. A backend module's default export (or its named
 * export `backend`) is an object of type `Backend`; the server imports it from a path given to
 * `AI.CONFIG LOADBACKEND <name> <path>` or `--loadbackend <name> <path>`.
 */
export const BACKEND_INTERFACE_VERSION = 1;

/** The identifiers the specification allows a backend to be loaded under. */
export const BACKEND_NAMES = ['TF', 'TORCH', 'ONNX'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A device as parsed from `CPU`, `GPU` or `GPU:n`. `GPU` means `GPU:0`. */
export interface Device {
  readonly kind: 'CPU' | 'GPU';
  readonly index: number;
}

/** Settings the server passes to `init`, taken from its own configuration. */
export interface BackendConfig {
  /** Threads one operator may use (0: the backend's default). */
  readonly intraOpThreads: number;
  /** Threads running independent operators at once (0: the backend's default). */
  readonly interOpThreads: number;
  /**
   * Whether models and scripts may use operations that reach files, processes or other I/O
   * (the operator trusts every client that can upload code). False by default: a backend then
   * refuses such models and scripts at load time, naming the operation.
   */
  readonly allowUnsafeOps: boolean;
  /**
   * Whether a backend's intra-op threads may spin-wait for the next piece of work instead of
   * sleeping (`--intra-op-spinning`): spinning answers a lone client sooner and takes CPU from
   * everything else under load. Absent: the backend's default. ONNX Runtime reads it; libtorch
   * and TensorFlow have no such setting.
   */
  readonly intraOpSpinning?: boolean;
  /**
   * Runs the server executes at once on each device's queue (`--threads-per-queue`); a backend
   * may size its own pools by it. Absent: 1.
   */
  readonly threadsPerQueue?: number;
}

/** Per-run settings the engine passes to `run`. */
export interface RunOptions {
  /**
   * Milliseconds the run may still take. A backend that can stop a run should stop it by then
   * and reject with a message saying it timed out; the engine enforces the bound either way.
   */
  readonly timeoutMs?: number;
  /**
   * Aborted when the client that asked for the run has gone. A backend that queues runs itself
   * may skip one that has not started yet (rejecting it); one that has started runs to its end.
   */
  readonly signal?: AbortSignal;
}

export interface ModelOptions {
  readonly device: Device;
  /** Input node names, given with `INPUTS` (TF only; empty for other backends). */
  readonly inputs: readonly string[];
  /** Output node names, given with `OUTPUTS` (TF only; empty for other backends). */
  readonly outputs: readonly string[];
  /**
   * What `run` returns for an output that is not a tensor (an ONNX-ML sequence of maps, say):
   * `skip` (the default) returns `null` for it, and the engine stores nothing, as the reference
   * did; `tensor` returns the tensor form of outputs that have an unambiguous one, as the
   * backend documents.
   */
  readonly nonTensorOutputs?: NonTensorOutputs;
}

/** ModelOptions.nonTensorOutputs: what a model gives for an output that is not a tensor. */
export type NonTensorOutputs = 'skip' | 'tensor';
export const NON_TENSOR_OUTPUTS: readonly NonTensorOutputs[] = ['skip', 'tensor'];

export interface ScriptOptions {
  readonly device: Device;
  /**
   * Functions to be called with `runEntryPoint` (AI.SCRIPTSTORE's ENTRY_POINTS). A backend that
   * knows signatures refuses the script unless each takes `(List[Tensor], List[str], List[str])`.
   */
  readonly entryPoints?: readonly string[];
}

/** The arguments of an entry point (AI.SCRIPTEXECUTE): tensors, key names and string arguments. */
export interface EntryPointCall {
  readonly tensors: readonly Tensor[];
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/** A loaded model. `run` must do its work off the JS thread. */
export interface ModelHandle {
  /** Input names in the order `run` binds tensors to them, when the backend knows them. */
  readonly inputNames?: readonly string[];
  /** Output names in the order `run` returns tensors, when the backend knows them. */
  readonly outputNames?: readonly string[];
  /**
   * Runs the model on `inputs` (bound to the model's inputs in order) and returns exactly
   * `outputCount` entries: a tensor per output, or `null` for an output that is not a tensor
   * (see `ModelOptions.nonTensorOutputs`). A rejection's message is sent to the client after `ERR`.
   */
  run(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<(Tensor | null)[]>;
  /** Releases the model's resources; called once, after its last run has settled. */
  release(): void | Promise<void>;
}

/** A compiled script. `run` must do its work off the JS thread. */
export interface ScriptHandle {
  /** Names of the functions the script defines, when the backend knows them. */
  readonly functionNames?: readonly string[];
  run(fn: string, inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]>;
  /**
   * Calls an entry point as RedisAI 1.2 does: `fn(tensors: List[Tensor], keys: List[str],
   * args: List[str])`. Backends without it cannot serve AI.SCRIPTEXECUTE.
   */
  runEntryPoint?(fn: string, call: EntryPointCall, outputCount: number, options?: RunOptions): Promise<Tensor[]>;
  release(): void | Promise<void>;
}

export interface Backend {
  /** The identifier this backend serves: `TF`, `TORCH` or `ONNX`. */
  readonly name: BackendName;
  /** Must equal `BACKEND_INTERFACE_VERSION` of the core it was written for. */
  readonly interfaceVersion: number;
  /** The version of the underlying library, reported by `INFO`. */
  readonly version: string;
  /** Called once before the first model is loaded. */
  init?(config: BackendConfig): void | Promise<void>;
  /**
   * The devices this backend can run on now, as `CPU` and `GPU:n` strings. A request for a
   * device not listed is refused with `unavailableReason` (or a generic message).
   */
  devices(): readonly string[];
  /** Why GPU devices are missing (e.g. "built without CUDA"), for the client's error. */
  readonly unavailableReason?: string;
  /** Loads a model from the bytes given to `AI.MODELSET`; rejects with the library's reason. */
  loadModel(blob: Buffer, options: ModelOptions): Promise<ModelHandle>;
  /** Compiles script source (`AI.SCRIPTSET`); only backends that run scripts define it. */
  compileScript?(source: string, options: ScriptOptions): Promise<ScriptHandle>;
}

export function formatDevice(device: Device): string {
  return device.kind === 'CPU' ? 'CPU' : `GPU:${device.index}`;
}
