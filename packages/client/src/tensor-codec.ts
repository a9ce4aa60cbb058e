import { endianness } from 'node:os';
import {
  type DType,
  type NumericDType,
  type TensorTypedArray,
  type TypedArrayOf,
  TYPED_ARRAY,
  dtypeOfTypedArray,
  dtypeSize,
} from './dtype.js';
import { UnexpectedReplyError } from './errors.js';
import { replyBigInt, replyBuffer, replyDouble, replyInteger, replyText } from './reply.js';
import type { BlobTensor, TensorInput, ValuesOf } from './types.js';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** A tensor as it goes on the wire: at most one of `blob` and `values`. */
export interface EncodedTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly blob?: Buffer;
  readonly values?: readonly string[];
}

export function encodeTensor(input: TensorInput): EncodedTensor {
  const { data } = input;
  if (data === undefined) {
    if (input.dtype === undefined) throw new TypeError('tensorSet needs a dtype when no data is given');
    if (input.shape === undefined) throw new TypeError('tensorSet needs a shape when no data is given');
    return { dtype: input.dtype, shape: input.shape };
  }
  if (ArrayBuffer.isView(data)) return encodeTypedArray(data, input.dtype, input.shape);
  const dtype = input.dtype ?? inferValuesDType(data);
  const values = (data as readonly unknown[]).map((v, i) => formatValue(dtype, v, i));
  return { dtype, shape: input.shape ?? [values.length], values };
}

function encodeTypedArray(data: ArrayBufferView, given: DType | undefined, shape: readonly number[] | undefined): EncodedTensor {
  const own = dtypeOfTypedArray(data);
  if (own === undefined) {
    throw new TypeError(`tensorSet cannot send a ${data.constructor.name}: use one of the typed arrays matched to a dtype`);
  }
  const dtype = given ?? own;
  // Bytes are bytes: a Uint8Array or Buffer may carry any dtype's little-endian data.
  if (data instanceof Uint8Array) {
    const blob = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { dtype, shape: shape ?? [rawElementCount(dtype, blob)], blob };
  }
  if (dtype !== own) throw new TypeError(`a ${data.constructor.name} holds ${own} elements, not ${dtype}`);
  const typed = data as TensorTypedArray;
  return { dtype, shape: shape ?? [typed.length], blob: littleEndianBytes(typed) };
}

function rawElementCount(dtype: DType, blob: Buffer): number {
  if (dtype === 'STRING') {
    let n = 0;
    for (let i = blob.indexOf(0); i !== -1; i = blob.indexOf(0, i + 1)) n++;
    return n;
  }
  const size = dtypeSize(dtype);
  if (blob.length % size !== 0) {
    throw new TypeError(`${blob.length} bytes are not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  return blob.length / size;
}

/** The typed array's bytes in little-endian order, without a copy on a little-endian host. */
export function littleEndianBytes(data: TensorTypedArray): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1) return view;
  return swapBytes(Buffer.from(view), data.BYTES_PER_ELEMENT);
}

function swapBytes(buf: Buffer, size: number): Buffer {
  if (size === 2) return buf.swap16();
  if (size === 4) return buf.swap32();
  if (size === 8) return buf.swap64();
  return buf;
}

function inferValuesDType(data: readonly unknown[]): DType {
  const first = data[0];
  if (typeof first === 'bigint') return 'INT64';
  if (typeof first === 'boolean') return 'BOOL';
  if (typeof first === 'string') return 'STRING';
  throw new TypeError('tensorSet needs a dtype for a plain array of numbers (or pass a typed array)');
}

/** One VALUES word. Range checks are the server's: it answers ERR for a value its dtype cannot hold. */
export function formatValue(dtype: DType, value: unknown, index: number): string {
  if (dtype === 'STRING') {
    if (typeof value !== 'string') throw new TypeError(`STRING tensor element ${index} is not a string`);
    return value;
  }
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'number':
      return formatNumber(value);
    default:
      throw new TypeError(`${dtype} tensor element ${index} is a ${typeof value}, not a number`);
  }
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  // String() gives the shortest text that reads back as the same double.
  return String(x);
}

/** A BLOB reply as the typed array of its dtype: a view on the reply when aligned, else a copy. */
export function decodeBlob(dtype: DType, reply: unknown): BlobTensor['data'] {
  const buf = replyBuffer(reply, `AI.TENSORGET BLOB of a ${dtype} tensor`);
  if (dtype === 'STRING') return decodeStrings(buf);
  return toTypedArray(dtype, buf);
}

export function toTypedArray<D extends NumericDType>(dtype: D, buf: Buffer): TypedArrayOf[D] {
  const Ctor = TYPED_ARRAY[dtype];
  const size = Ctor.BYTES_PER_ELEMENT;
  if (buf.length % size !== 0) {
    throw new UnexpectedReplyError(`a ${dtype} blob of ${buf.length} bytes is not a whole number of elements`);
  }
  const length = buf.length / size;
  if (LITTLE_ENDIAN_HOST && buf.byteOffset % size === 0) return new Ctor(buf.buffer, buf.byteOffset, length);
  const out = new Ctor(length);
  const bytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  buf.copy(bytes);
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, size);
  return out;
}

/** STRING data: UTF-8 elements, each followed by a NUL. */
export function decodeStrings(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const end = buf[buf.length - 1] === 0 ? buf.length - 1 : buf.length;
  return buf.toString('utf8', 0, end).split('\0');
}

/** STRING data for a BLOB: each element's UTF-8 bytes followed by a NUL. */
export function encodeStrings(values: readonly string[]): Buffer {
  return Buffer.concat(values.map((v) => Buffer.from(`${v}\0`, 'utf8')));
}

/** A VALUES reply as JS values: INT64 as bigints, STRING as strings, other dtypes as numbers. */
export function decodeValues<D extends DType>(dtype: D, reply: readonly unknown[]): ValuesOf[D] {
  const what = `AI.TENSORGET VALUES of a ${dtype} tensor`;
  if (dtype === 'STRING') return reply.map((v) => replyText(v, what)) as ValuesOf[D];
  if (dtype === 'INT64') return reply.map((v) => replyBigInt(v, what)) as ValuesOf[D];
  if (dtype === 'FLOAT' || dtype === 'DOUBLE') return reply.map((v) => replyDouble(v, what)) as ValuesOf[D];
  return reply.map((v) => replyInteger(v, what)) as ValuesOf[D];
}
