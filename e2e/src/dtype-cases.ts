/**
 * One tensor per dtype of the specification (and BOOL, STRING), with its VALUES words and the
 * little-endian blob those values make, computed here with Node's typed arrays, independently
 * of the server's code.
 */
export type DTypeName = 'FLOAT' | 'DOUBLE' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'UINT8' | 'UINT16' | 'BOOL' | 'STRING';

export interface DTypeCase {
  readonly dtype: DTypeName;
  readonly shape: readonly number[];
  /** The VALUES words sent to the server. */
  readonly words: readonly string[];
  /** The elements as stored: float32-rounded for FLOAT, bigints for INT64, text for STRING. */
  readonly elements: readonly (number | bigint | string)[];
  /** The tensor's contiguous little-endian bytes. */
  readonly blob: Buffer;
  /** Whether VALUES replies carry these elements as integers (else doubles or strings). */
  readonly integer: boolean;
}

function typed(dtype: DTypeName, shape: number[], words: string[]): DTypeCase {
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  switch (dtype) {
    case 'FLOAT': {
      const a = Float32Array.from(words.map(Number));
      return { dtype, shape, words, elements: [...a], blob: bytes(a), integer: false };
    }
    case 'DOUBLE': {
      const a = Float64Array.from(words.map(Number));
      return { dtype, shape, words, elements: [...a], blob: bytes(a), integer: false };
    }
    case 'INT64': {
      const a = BigInt64Array.from(words.map(BigInt));
      return { dtype, shape, words, elements: [...a], blob: bytes(a), integer: true };
    }
    case 'STRING': {
      const blob = Buffer.concat(words.map((w) => Buffer.from(`${w}\0`, 'utf8')));
      return { dtype, shape, words, elements: words, blob, integer: false };
    }
    default: {
      const ctor = { INT8: Int8Array, INT16: Int16Array, INT32: Int32Array, UINT8: Uint8Array, UINT16: Uint16Array, BOOL: Uint8Array }[
        dtype
      ];
      const a = ctor.from(words.map(Number));
      return { dtype, shape, words, elements: [...a], blob: bytes(a), integer: true };
    }
  }
}

export const DTYPE_CASES: readonly DTypeCase[] = [
  typed('FLOAT', [2, 3], ['1.5', '-2.25', '0', '0.1', '3.4028234663852886e38', '-7']),
  typed('DOUBLE', [3, 2], ['0.1', '-1e300', '2.5', '0.3333333333333333', '1.7976931348623157e308', '-4']),
  typed('INT8', [4], ['-128', '127', '0', '-1']),
  typed('INT16', [2, 2], ['-32768', '32767', '1', '-2']),
  typed('INT32', [1, 4], ['-2147483648', '2147483647', '5', '-6']),
  typed('INT64', [4, 1], ['-9223372036854775808', '9223372036854775807', '0', '42']),
  typed('UINT8', [2, 2], ['0', '255', '1', '128']),
  typed('UINT16', [4], ['0', '65535', '2', '40000']),
  typed('BOOL', [2, 2], ['0', '1', '1', '0']),
  typed('STRING', [4], ['a', 'hello', '', 'two words']),
];

/** Values VALUES must refuse for a dtype: out of range, or not of its kind. */
export const BAD_VALUES: readonly { dtype: DTypeName; word: string }[] = [
  { dtype: 'INT8', word: '300' },
  { dtype: 'INT8', word: '-129' },
  { dtype: 'INT16', word: '32768' },
  { dtype: 'INT32', word: '2147483648' },
  { dtype: 'INT64', word: '9223372036854775808' },
  { dtype: 'UINT8', word: '-1' },
  { dtype: 'UINT8', word: '256' },
  { dtype: 'UINT16', word: '65536' },
  { dtype: 'BOOL', word: '2' },
  { dtype: 'INT32', word: '1.5' },
  { dtype: 'INT32', word: 'abc' },
  { dtype: 'FLOAT', word: '1e39' },
  { dtype: 'FLOAT', word: 'abc' },
  { dtype: 'DOUBLE', word: '1e400' },
  { dtype: 'DOUBLE', word: '' },
];

/** Parses a double as the server printed it (`%.17g`, `inf`, `nan`). */
export function parseDouble(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan' || t === '-nan') return Number.NaN;
  return Number(text);
}
