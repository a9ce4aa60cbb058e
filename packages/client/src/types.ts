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

export interface ModelSetOptions {
  readonly backend: Backend;
  readonly device: Device;
  /** Input node names (TF only). */
  readonly inputs?: readonly string[];
  /** Output node names (TF only). */
  readonly outputs?: readonly string[];
  /** The serialized model (ONNX protobuf, TorchScript archive, TF graph). */
  readonly blob: Uint8Array;
}

export interface ModelReply {
  readonly backend: Backend;
  readonly device: Device;
  readonly blob: Buffer;
}

export interface RunOptions {
  readonly inputs: readonly Key[];
  readonly outputs: readonly Key[];
}

export interface ScriptSetOptions {
  readonly device: Device;
  /** TorchScript source. */
  readonly source: string;
}

export interface ScriptReply {
  readonly device: Device;
  readonly source: string;
}

/** Run statistics of a model or script, from `AI.INFO`. */
export interface RunInfo {
  readonly key: string;
  readonly type: 'MODEL' | 'SCRIPT';
  readonly backend: Backend;
  readonly device: Device;
  /** Cumulative run time in microseconds. */
  readonly duration: number;
  /** Sum of the batch (0-th) dimension of the first input over all runs; -1 for scripts. */
  readonly samples: number;
  readonly calls: number;
  readonly errors: number;
}
