import { Tensor, type DType } from '@modelkv/core';
import { coreDType, ortType, type OrtType } from './ort-types.js';

/**
 * Messages between the JS thread and a pool worker. Tensor bytes travel as ArrayBuffers in the
 * transfer list, so each crossing moves memory instead of cloning it.
 */
export interface WireTensor {
  readonly type: OrtType;
  readonly dims: readonly number[];
  /** Little-endian element bytes, or the elements of a string tensor. */
  readonly data: ArrayBuffer | readonly string[];
}

/** Subset of onnxruntime's session options that the backend sets. */
export interface SessionSettings {
  readonly executionProviders: readonly ('cpu' | { readonly name: 'cuda'; readonly deviceId: number })[];
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly executionMode?: 'sequential' | 'parallel';
  /** Session config entries: `session.intra_op.allow_spinning`. */
  readonly extra?: { readonly session: { readonly intra_op: { readonly allow_spinning: '0' | '1' } } };
}

/** A request to a pool worker; `session` numbers the sessions of that worker. */
export type WorkerRequest =
  | { readonly kind: 'load'; readonly id: number; readonly session: number; readonly blob: ArrayBuffer; readonly settings: SessionSettings }
  | { readonly kind: 'run'; readonly id: number; readonly session: number; readonly inputs: readonly WireTensor[] }
  | { readonly kind: 'release'; readonly id: number; readonly session: number };

export type WorkerReply =
  | { readonly kind: 'loaded'; readonly id: number; readonly inputNames: readonly string[]; readonly outputNames: readonly string[] }
  /** `null` for an output that is not a tensor, which is not fetched. */
  | { readonly kind: 'ran'; readonly id: number; readonly outputs: readonly (WireTensor | null)[] }
  | { readonly kind: 'released'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

/** The fields of a core tensor this backend reads; tensors may come from another copy of core. */
export interface TensorLike {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Buffer;
}

/**
 * Packs a core tensor for a worker: one copy of its bytes into a fresh (hence aligned)
 * ArrayBuffer that is then transferred, never cloned again.
 */
export function packTensor(tensor: TensorLike, transfer: ArrayBuffer[]): WireTensor {
  const type = ortType(tensor.dtype);
  if (type === undefined) throw new Error(`tensor dtype ${tensor.dtype} has no onnxruntime equivalent`);
  if (type === 'string') return { type, dims: tensor.shape, data: splitStrings(tensor.data) };
  const bytes = new ArrayBuffer(tensor.data.byteLength);
  new Uint8Array(bytes).set(tensor.data);
  transfer.push(bytes);
  return { type, dims: tensor.shape, data: bytes };
}

/** Builds a core tensor over a worker's output bytes without copying them. */
export function unpackTensor(wire: WireTensor, name: string): Tensor {
  const dtype = coreDType(wire.type);
  if (dtype === undefined) throw new Error(`model output '${name}' has type ${wire.type}, which modelkv tensors cannot hold`);
  const blob = Array.isArray(wire.data) ? joinStrings(wire.data as readonly string[]) : Buffer.from(wire.data as ArrayBuffer);
  return Tensor.fromBlob(dtype, wire.dims, blob);
}

function splitStrings(data: Buffer): string[] {
  return data.length === 0 ? [] : data.toString('utf8', 0, data.length - 1).split('\0');
}

function joinStrings(values: readonly string[]): Buffer {
  return Buffer.from(values.map((v) => `${v}\0`).join(''), 'utf8');
}
