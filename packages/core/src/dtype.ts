import { ReplyError } from './errors.js';

/** Element types of a tensor, named as on the wire. */
export const DTYPES = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'BOOL', 'STRING'] as const;

export type DType = (typeof DTYPES)[number];

/** A single element as JS sees it: numbers, bigints for INT64, strings for STRING. */
export type TensorValue = number | bigint | string;

type NumericDType = Exclude<DType, 'STRING'>;

interface NumericInfo {
  readonly size: number;
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  readonly read: (buf: Buffer, offset: number) => number | bigint;
  readonly write: (buf: Buffer, value: number | bigint, offset: number) => void;
}

const FLOAT32_MAX = 3.4028234663852886e38;

const NUMERIC: Record<NumericDType, NumericInfo> = {
  FLOAT: {
    size: 4,
    integer: false,
    min: -FLOAT32_MAX,
    max: FLOAT32_MAX,
    read: (b, o) => b.readFloatLE(o),
    write: (b, v, o) => b.writeFloatLE(Number(v), o),
  },
  DOUBLE: {
    size: 8,
    integer: false,
    min: -Number.MAX_VALUE,
    max: Number.MAX_VALUE,
    read: (b, o) => b.readDoubleLE(o),
    write: (b, v, o) => b.writeDoubleLE(Number(v), o),
  },
  INT8: {
    size: 1,
    integer: true,
    min: -128,
    max: 127,
    read: (b, o) => b.readInt8(o),
    write: (b, v, o) => b.writeInt8(Number(v), o),
  },
  INT16: {
    size: 2,
    integer: true,
    min: -32768,
    max: 32767,
    read: (b, o) => b.readInt16LE(o),
    write: (b, v, o) => b.writeInt16LE(Number(v), o),
  },
  INT32: {
    size: 4,
    integer: true,
    min: -2147483648,
    max: 2147483647,
    read: (b, o) => b.readInt32LE(o),
    write: (b, v, o) => b.writeInt32LE(Number(v), o),
  },
  INT64: {
    size: 8,
    integer: true,
    min: Number.NEGATIVE_INFINITY,
    max: Number.POSITIVE_INFINITY,
    read: (b, o) => b.readBigInt64LE(o),
    write: (b, v, o) => b.writeBigInt64LE(BigInt(v), o),
  },
  UINT8: {
    size: 1,
    integer: true,
    min: 0,
    max: 255,
    read: (b, o) => b.readUInt8(o),
    write: (b, v, o) => b.writeUInt8(Number(v), o),
  },
  UINT16: {
    size: 2,
    integer: true,
    min: 0,
    max: 65535,
    read: (b, o) => b.readUInt16LE(o),
    write: (b, v, o) => b.writeUInt16LE(Number(v), o),
  },
  BOOL: {
    size: 1,
    integer: true,
    min: 0,
    max: 1,
    read: (b, o) => b.readUInt8(o),
    write: (b, v, o) => b.writeUInt8(Number(v), o),
  },
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_RE = /^[+-]?\d+$/;
// strtod-like: decimal, exponent, inf / nan words, as Redis accepts them.
const FLOAT_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

export function isDType(name: string): name is DType {
  return (DTYPES as readonly string[]).includes(name);
}

/** Parses a dtype word case-insensitively, as the reference did. */
export function parseDType(word: string): DType {
  const upper = word.toUpperCase();
  if (!isDType(upper)) throw new ReplyError('invalid data type');
  return upper;
}

/** Bytes per element; STRING has no fixed size and answers 0. */
export function dtypeSize(dtype: DType): number {
  return dtype === 'STRING' ? 0 : NUMERIC[dtype].size;
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype !== 'STRING' && NUMERIC[dtype].integer;
}

/**
 * Parses one VALUES word for a dtype. Out-of-range values are an error, never a wrap:
 * 300 for INT8 or 1e39 for FLOAT are refused.
 */
export function parseValue(dtype: DType, word: string): TensorValue {
  if (dtype === 'STRING') {
    if (word.includes('\0')) throw new ReplyError('invalid value for STRING tensor: elements may not contain NUL');
    return word;
  }
  const info = NUMERIC[dtype];
  if (info.integer) {
    if (!INTEGER_RE.test(word)) throw invalidValue();
    if (dtype === 'INT64') {
      const v = BigInt(word);
      if (v < INT64_MIN || v > INT64_MAX) throw invalidValue();
      return v;
    }
    const v = Number(word);
    if (v < info.min || v > info.max) throw invalidValue();
    return v;
  }
  if (!FLOAT_RE.test(word)) throw invalidValue();
  const lower = word.toLowerCase().replace(/^\+/, '');
  let v: number;
  if (lower.endsWith('nan')) v = Number.NaN;
  else if (lower.endsWith('inf') || lower.endsWith('infinity')) v = lower.startsWith('-') ? -Infinity : Infinity;
  else {
    v = Number(word);
    if (!Number.isFinite(v) || v < info.min || v > info.max) {
      throw invalidValue();
    }
  }
  return v;
}

/** The reference's words for a VALUES word that does not parse or fit; clients match on them. */
function invalidValue(): ReplyError {
  return new ReplyError('invalid value');
}

/** Reads element `index` of a fixed-size dtype from little-endian bytes. */
export function readElement(dtype: NumericDType, buf: Buffer, index: number): number | bigint {
  const info = NUMERIC[dtype];
  return info.read(buf, index * info.size);
}

/** Writes element `index` of a fixed-size dtype as little-endian bytes. */
export function writeElement(dtype: NumericDType, buf: Buffer, index: number, value: number | bigint): void {
  const info = NUMERIC[dtype];
  info.write(buf, value, index * info.size);
}

/** Formats a double the way Redis replies with one (`%.17g`, `inf`, `-inf`, `nan`). */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expPart] = x.toExponential(16).split('e') as [string, string];
  const exp = Number(expPart);
  if (exp < -4 || exp >= 17) {
    const m = stripZeros(mantissa);
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return stripZeros(x.toFixed(Math.max(0, 16 - exp)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}
