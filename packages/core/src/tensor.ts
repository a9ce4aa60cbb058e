import { type DType, type TensorValue, dtypeSize, parseValue, readElement, writeElement } from './dtype.js';
import { ReplyError } from './errors.js';

/** Default cap on one tensor's bytes, the same as Redis's proto-max-bulk-len. */
export const DEFAULT_MAX_TENSOR_BYTES = 512 * 1024 * 1024;

/**
 * An immutable tensor: dtype, shape and contiguous little-endian data.
 * Numeric data is `shape.product * dtypeSize` bytes; STRING data is the elements' UTF-8
 * bytes, each followed by one NUL.
 * The data Buffer is held as given (no copy), so callers must not mutate it afterwards.
 */
export class Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Buffer;

  private constructor(dtype: DType, shape: readonly number[], data: Buffer) {
    this.dtype = dtype;
    // A copy, so that the caller's array can change; `readonly` keeps it unchanged here (a
    // runtime freeze cost more than the rest of constructing a small tensor).
    this.shape = shape.slice();
    this.data = data;
  }

  /**
   * A tensor is its own keyspace value (StoredTensor, ValueRecord): getters on the prototype,
   * so a stored tensor costs no wrapper object.
   */
  // A readonly field would cost every tensor a slot; the getter lives once, on the prototype.
  // eslint-disable-next-line @typescript-eslint/class-literal-property-style
  get kind(): 'tensor' {
    return 'tensor';
  }

  get tensor(): this {
    return this;
  }

  /** Number of elements (product of the shape). */
  get length(): number {
    return elementCount(this.shape);
  }

  get byteLength(): number {
    return this.data.length;
  }

  /** Wraps a blob after checking its length against shape and dtype. */
  static fromBlob(dtype: DType, shape: readonly number[], blob: Buffer, maxBytes = DEFAULT_MAX_TENSOR_BYTES): Tensor {
    const count = checkShape(shape);
    if (dtype === 'STRING') {
      if (blob.length > maxBytes) throw tooLarge(blob.length, maxBytes);
      const nuls = countNuls(blob);
      if (nuls !== count || (count > 0 && blob[blob.length - 1] !== 0) || (count === 0 && blob.length !== 0)) {
        throw lengthMismatch();
      }
      return new Tensor(dtype, shape, blob);
    }
    const expected = count * dtypeSize(dtype);
    if (expected > maxBytes) throw tooLarge(expected, maxBytes);
    if (blob.length !== expected) {
      throw lengthMismatch();
    }
    if (dtype === 'BOOL') {
      for (let i = 0; i < blob.length; i++) {
        if (blob[i]! > 1) throw new ReplyError(`invalid BOOL value ${blob[i]} at element ${i}: expected 0 or 1`);
      }
    }
    return new Tensor(dtype, shape, blob);
  }

  /** Builds a tensor from VALUES words, with range checks per dtype. */
  static fromValues(dtype: DType, shape: readonly number[], words: readonly string[], maxBytes = DEFAULT_MAX_TENSOR_BYTES): Tensor {
    const count = checkShape(shape);
    if (words.length !== count) {
      throw new ReplyError(`wrong number of values provided: got ${words.length}, shape ${shape.join('x')} needs ${count}`);
    }
    const values = words.map((w) => parseValue(dtype, w));
    return Tensor.fromArray(dtype, shape, values, maxBytes);
  }

  /** Builds a tensor from JS values (numbers, bigints for INT64, strings for STRING). */
  static fromArray(dtype: DType, shape: readonly number[], values: readonly TensorValue[], maxBytes = DEFAULT_MAX_TENSOR_BYTES): Tensor {
    const count = checkShape(shape);
    if (values.length !== count) {
      throw new ReplyError(`wrong number of values provided: got ${values.length}, shape ${shape.join('x')} needs ${count}`);
    }
    if (dtype === 'STRING') {
      const parts = values.map((v) => Buffer.from(`${String(v)}\0`, 'utf8'));
      return Tensor.fromBlob(dtype, shape, Buffer.concat(parts), maxBytes);
    }
    const bytes = count * dtypeSize(dtype);
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    const data = Buffer.alloc(bytes);
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      if (typeof v === 'string') throw new ReplyError(`invalid value '${v}' for ${dtype} tensor`);
      writeElement(dtype, data, i, v);
    }
    return new Tensor(dtype, shape, data);
  }

  /** A tensor with neither BLOB nor VALUES: zero-filled (STRING: empty strings). */
  static zeros(dtype: DType, shape: readonly number[], maxBytes = DEFAULT_MAX_TENSOR_BYTES): Tensor {
    const count = checkShape(shape);
    const bytes = count * (dtype === 'STRING' ? 1 : dtypeSize(dtype));
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    return new Tensor(dtype, shape, Buffer.alloc(bytes));
  }

  /** Elements as JS values: numbers, bigints for INT64, strings for STRING. */
  values(): TensorValue[] {
    if (this.dtype === 'STRING') {
      if (this.data.length === 0) return [];
      return this.data.toString('utf8', 0, this.data.length - 1).split('\0');
    }
    const dtype = this.dtype;
    const n = this.length;
    const out: TensorValue[] = new Array<TensorValue>(n);
    for (let i = 0; i < n; i++) out[i] = readElement(dtype, this.data, i);
    return out;
  }

  /** Bytes held, for memory accounting. */
  get memoryUsage(): number {
    return this.data.length;
  }
}

/** Validates dimensions (whole numbers ≥ 0) and returns the element count. */
export function checkShape(shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw badShape();
    count *= d;
    if (!Number.isSafeInteger(count)) throw new ReplyError('tensor shape is too large');
  }
  return count;
}

/** Parses dimension words ("2", "3") into a shape. */
export function parseShape(words: readonly string[]): number[] {
  return words.map((w) => {
    if (!/^\d+$/.test(w)) throw badShape();
    const d = Number(w);
    if (!Number.isSafeInteger(d)) throw badShape();
    return d;
  });
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function countNuls(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(0);
  while (i !== -1) {
    n++;
    i = buf.indexOf(0, i + 1);
  }
  return n;
}

// The reference's exact words for these, which clients match on.
function lengthMismatch(): ReplyError {
  return new ReplyError('data length does not match tensor shape and type');
}

function badShape(): ReplyError {
  return new ReplyError('invalid or negative value found in tensor shape');
}

function tooLarge(bytes: number, max: number): ReplyError {
  return new ReplyError(`tensor of ${bytes} bytes exceeds the limit of ${max} bytes`);
}
