import type { DType } from '@modelkv/core';

/** onnxruntime's names for the element types modelkv tensors can hold. */
export type OrtType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'bool' | 'string';

export const CORE_TO_ORT: Readonly<Record<DType, OrtType>> = {
  FLOAT: 'float32',
  DOUBLE: 'float64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  UINT8: 'uint8',
  UINT16: 'uint16',
  BOOL: 'bool',
  STRING: 'string',
};

const ORT_BY_CORE: ReadonlyMap<string, OrtType> = new Map(Object.entries(CORE_TO_ORT));

/**
 * The onnxruntime element type of a modelkv dtype, or undefined for a dtype this backend does
 * not know (a tensor may come from another, newer copy of core).
 */
export function ortType(dtype: string): OrtType | undefined {
  return ORT_BY_CORE.get(dtype);
}

const ORT_TO_CORE: ReadonlyMap<string, DType> = new Map(
  (Object.entries(CORE_TO_ORT) as [DType, OrtType][]).map(([core, ort]) => [ort, core]),
);

/** The modelkv dtype of an onnxruntime element type, or undefined (float16, uint32, uint64, ...). */
export function coreDType(ortType: string): DType | undefined {
  return ORT_TO_CORE.get(ortType);
}

type NumericOrtType = Exclude<OrtType, 'string'>;
export type OrtTypedArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

interface TypedArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): OrtTypedArray;
}

const ARRAYS: Readonly<Record<NumericOrtType, TypedArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  bool: Uint8Array,
};

/** A typed array of the right kind viewing `byteLength` bytes of `buffer` (no copy). */
export function typedView(type: NumericOrtType, buffer: ArrayBufferLike, byteOffset: number, byteLength: number): OrtTypedArray {
  const Ctor = ARRAYS[type];
  return new Ctor(buffer, byteOffset, byteLength / Ctor.BYTES_PER_ELEMENT);
}
