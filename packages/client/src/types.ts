import type { RedisArgument } from '@redis/client';
import type { DType, NumericDType, TensorTypedArray, TypedArrayOf } from './dtype.js';

/** A key: a string, or a Buffer for binary keys. */
export type Key = RedisArgument;

export type Backend = 'TF' | 'TORCH' | 'ONNX';

export type Device = 'CPU' | 'GPU' | `GPU:${number}`;

/**
 * What `tensorSet` stores. A typed array is sent as a BLOB of its little-endian bytes (its
 * dtype inferred when omitted); a Uint8Array or Buffer with another dtype is sent as raw bytes;
 * a plain array is sent as VALUES; no data allocates a zero-filled tensor.
 */
export interface TensorInput {
  /** Inferred from a typed array, a `bigint[]` (INT64), a `boolean[]` (BOOL) or a `string[]` (STRING). */
  readonly dtype?: DType;
  /** Defaults to one dimension holding every element. */
  readonly shape?: readonly number[];
  readonly data?: TensorData;
}

export type TensorData = TensorTypedArray | readonly number[] | readonly bigint[] | readonly boolean[] | readonly string[];

export type TensorFormat = 'BLOB' | 'VALUES' | 'META';

export interface TensorMeta {
  readonly dtype: DType;
  readonly shape: number[];
}

/** A tensor read with BLOB: numeric data as the typed array of its dtype, STRING as strings. */
export type BlobTensor =
  | { [D in NumericDType]: { dtype: D; shape: number[]; data: TypedArrayOf[D] } }[NumericDType]
  | { dtype: 'STRING'; shape: number[]; data: string[] };

/** Element values as VALUES returns them: INT64 as bigints, STRING as strings, others as numbers. */
export interface ValuesOf {
  FLOAT: number[];
  DOUBLE: number[];
  INT8: number[];
  INT16: number[];
  INT32: number[];
  INT64: bigint[];
  UINT8: number[];
  UINT16: number[];
  BOOL: number[];
  STRING: string[];
}

export type ValuesTensor = { [D in DType]: { dtype: D; shape: number[]; data: ValuesOf[D] } }[DType];

export type TensorReply<F extends TensorFormat> = F extends 'META' ? TensorMeta : F extends 'VALUES' ? ValuesTensor : BlobTensor;

/**
 * The command forms a server speaks: RedisAI v0.9's (one TENSORGET format word, MODELGET and
 * SCRIPTGET with the key alone) or 1.2's (META with the data, field/value replies). modelkv
 * speaks both; pick the one of the server's `--redisai-compat` mode, or of the RedisAI release.
 */
export type RedisAIVersion = '0.9' | '1.2';

/**
 * Automatic batching (RedisAI's BATCHSIZE, MINBATCHSIZE, MINBATCHTIMEOUT): runs of the model
 * from different clients are joined along dimension 0 up to `batchSize` samples and run once.
 */
export interface Batching {
  /** Most samples in one run; 0 turns batching off. */
  readonly batchSize: number;
  /** Fewest samples to wait for before a batch runs (0: run whatever is waiting). */
  readonly minBatchSize?: number;
  /** Milliseconds to wait for `minBatchSize` samples before running a smaller batch (0: wait on). */
  readonly minBatchTimeout?: number;
}

export interface ModelSetOptions {
  readonly backend: Backend;
  readonly device: Device;
  /** A version or label reported by AI.INFO and AI._MODELSCAN (RedisAI 1.x). */
  readonly tag?: string;
  readonly batching?: Batching;
  /** Input node names (TF only). */
  readonly inputs?: readonly string[];
  /** Output node names (TF only). */
  readonly outputs?: readonly string[];
  /** The serialized model (ONNX protobuf, TorchScript archive, TF graph). */
  readonly blob: Uint8Array;
}

/** AI.MODELSTORE's model: like MODELSET's, and the blob may be sent in chunks. */
export interface ModelStoreOptions extends Omit<ModelSetOptions, 'blob'> {
  /** The serialized model, whole or as chunks that concatenate to it (each one BLOB argument). */
  readonly blob: Uint8Array | readonly Uint8Array[];
}

/** A model's settings, as AI.MODELGET META gives them (RedisAI 1.x). */
export interface ModelMeta {
  readonly backend: Backend;
  readonly device: Device;
  readonly tag: string;
  readonly batching: Required<Batching>;
  readonly inputs: string[];
  readonly outputs: string[];
}

/**
 * AI.MODELGET's reply. RedisAI v0.9 answers backend, device and blob; 1.x adds the settings of
 * ModelMeta, present here when the server sent them.
 */
export interface ModelReply extends Partial<Omit<ModelMeta, 'backend' | 'device'>> {
  readonly backend: Backend;
  readonly device: Device;
  /** The whole blob, its chunks joined when the server sent it in MODEL_CHUNK_SIZE pieces. */
  readonly blob: Buffer;
}

export interface RunOptions {
  readonly inputs: readonly Key[];
  readonly outputs: readonly Key[];
}

/** AI.MODELEXECUTE's keys, counted on the wire, and its TIMEOUT. */
export interface ExecuteOptions extends RunOptions {
  /** Milliseconds the run may wait in its queue; a run not started by then answers `TIMEDOUT`. */
  readonly timeout?: number;
}

/** How a run or a DAG with a TIMEOUT ended: `OK`, or `TIMEDOUT` when it waited too long and was dropped. */
export type RunStatus = 'OK' | 'TIMEDOUT';

export interface ScriptSetOptions {
  readonly device: Device;
  /** A version or label (RedisAI 1.x). */
  readonly tag?: string;
  /** TorchScript source. */
  readonly source: string;
}

/** AI.SCRIPTSTORE's script: its entry points are the functions AI.SCRIPTEXECUTE may call. */
export interface ScriptStoreOptions extends ScriptSetOptions {
  /** Each takes `(tensors: List[Tensor], keys: List[str], args: List[str])`. */
  readonly entryPoints: readonly string[];
}

/**
 * AI.SCRIPTEXECUTE's arguments: the entry point gets the input tensors, the key names and the
 * arguments as three lists. KEYS names the keys the function may touch.
 */
export interface ScriptExecuteOptions {
  readonly keys?: readonly Key[];
  readonly inputs?: readonly Key[];
  readonly args?: readonly (string | number)[];
  readonly outputs?: readonly Key[];
  /** Milliseconds the run may wait in its queue. */
  readonly timeout?: number;
}

/** A script's settings, as AI.SCRIPTGET META gives them (RedisAI 1.x). */
export interface ScriptMeta {
  readonly device: Device;
  readonly tag: string;
  /** The entry points of a script stored with AI.SCRIPTSTORE; none for AI.SCRIPTSET's. */
  readonly entryPoints: string[];
}

/** AI.SCRIPTGET's reply: device and source (v0.9), with tag and entry points from 1.x servers. */
export interface ScriptReply extends Partial<Omit<ScriptMeta, 'device'>> {
  readonly device: Device;
  readonly source: string;
}

/** A model or script key with its tag (AI._MODELSCAN, AI._SCRIPTSCAN). */
export interface TaggedKey {
  readonly key: string;
  readonly tag: string;
}

/** Settings AI.CONFIG reads with GET and changes with `AI.CONFIG <NAME> <value>`. */
export type AIConfigName =
  'BACKENDSPATH' | 'MODEL_CHUNK_SIZE' | 'THREADS_PER_QUEUE' | 'INTRA_OP_PARALLELISM' | 'INTER_OP_PARALLELISM' | (string & {});

/** Run statistics of a model or script, from `AI.INFO`. */
export interface RunInfo {
  readonly key: string;
  readonly type: 'MODEL' | 'SCRIPT';
  readonly backend: Backend;
  readonly device: Device;
  /** The model's or script's tag, in RedisAI 1.x's reply. */
  readonly tag?: string;
  /** Cumulative run time in microseconds. */
  readonly duration: number;
  /** Sum of the batch (0-th) dimension of the first input over all runs; -1 for scripts. */
  readonly samples: number;
  readonly calls: number;
  readonly errors: number;
}
