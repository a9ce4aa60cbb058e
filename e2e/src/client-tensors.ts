// Fixture tensors in the form @modelkv/client takes and gives back.
import type { TensorInput } from '@modelkv/client';
import type { FixtureTensor } from './fixtures.js';

/** A fixture tensor as the typed client takes it: the typed array of its dtype, or strings. */
export function clientTensor(t: FixtureTensor): TensorInput {
  const copy = new Uint8Array(t.bytes).buffer;
  const shape = t.shape;
  switch (t.dtype) {
    case 'FLOAT':
      return { dtype: 'FLOAT', shape, data: new Float32Array(copy) };
    case 'DOUBLE':
      return { dtype: 'DOUBLE', shape, data: new Float64Array(copy) };
    case 'INT8':
      return { dtype: 'INT8', shape, data: new Int8Array(copy) };
    case 'INT16':
      return { dtype: 'INT16', shape, data: new Int16Array(copy) };
    case 'INT32':
      return { dtype: 'INT32', shape, data: new Int32Array(copy) };
    case 'INT64':
      return { dtype: 'INT64', shape, data: new BigInt64Array(copy) };
    case 'UINT8':
      return { dtype: 'UINT8', shape, data: new Uint8Array(copy) };
    case 'UINT16':
      return { dtype: 'UINT16', shape, data: new Uint16Array(copy) };
    case 'BOOL':
      return { dtype: 'BOOL', shape, data: new Uint8Array(copy) };
    case 'STRING':
      return { dtype: 'STRING', shape, data: t.bytes.toString('utf8').split('\0').slice(0, -1) };
    default:
      throw new Error(`no client tensor for ${t.dtype}`);
  }
}

/** The bytes a typed array or string list holds (strings as UTF-8, each followed by one NUL). */
export function bytesOf(data: ArrayBufferView | string[]): Buffer {
  if (Array.isArray(data)) return Buffer.from(data.map((s) => `${s}\0`).join(''), 'utf8');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
