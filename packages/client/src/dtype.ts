/**
 * The tensor element types, as named on the wire. The table is kept here (not imported from the
 * server's core) so the client runs against any RedisAI v0.9-compatible server on its own.
 */
export const DTYPES = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'BOOL', 'STRING'] as const;

export type DType = (typeof DTYPES)[number];

/** The typed array that holds each fixed-size dtype. STRING elements come back as `string[]`. */
export interface TypedArrayOf {
  FLOAT: Float32Array;
  DOUBLE: Float64Array;
  INT8: Int8Array;
  INT16: Int16Array;
  INT32: Int32Array;
  INT64: BigInt64Array;
  UINT8: Uint8Array;
  UINT16: Uint16Array;
  BOOL: Uint8Array;
}

export type NumericDType = keyof TypedArrayOf;

export type TensorTypedArray = TypedArrayOf[NumericDType];

interface TypedArrayConstructorOf<T> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export const TYPED_ARRAY: { readonly [D in NumericDType]: TypedArrayConstructorOf<TypedArrayOf[D]> } = {
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  BOOL: Uint8Array,
};

export function isDType(word: string): word is DType {
  return (DTYPES as readonly string[]).includes(word);
}

export function isNumericDType(dtype: DType): dtype is NumericDType {
  return dtype !== 'STRING';
}

/** Bytes per element; STRING has no fixed size and answers 0. */
export function dtypeSize(dtype: DType): number {
  return isNumericDType(dtype) ? TYPED_ARRAY[dtype].BYTES_PER_ELEMENT : 0;
}

/**
 * The dtype a typed array stands for. A Uint8Array (and so a Buffer) is UINT8: pass
 * `dtype: 'BOOL'` for booleans, or any dtype to send its bytes as they are.
 */
export function dtypeOfTypedArray(data: ArrayBufferView): NumericDType | undefined {
  if (data instanceof Float32Array) return 'FLOAT';
  if (data instanceof Float64Array) return 'DOUBLE';
  if (data instanceof Int8Array) return 'INT8';
  if (data instanceof Int16Array) return 'INT16';
  if (data instanceof Int32Array) return 'INT32';
  if (data instanceof BigInt64Array) return 'INT64';
  if (data instanceof Uint8Array) return 'UINT8';
  if (data instanceof Uint16Array) return 'UINT16';
  return undefined;
}
