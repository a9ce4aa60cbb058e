/**
 * Memory that client requests are read into and that is reused for later reads. Arguments that
 * view it are valid only while their command runs: whatever is kept must be copied (ownBuffer
 * does that).
 */
const readBuffers = new WeakSet<ArrayBufferLike>();

/** Size of a read buffer (one may grow to hold a long line in progress). */
export const READ_BUFFER_BYTES = 64 * 1024;
let shared: Buffer | undefined;

export function allocReadBuffer(size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(size);
  readBuffers.add(buf.buffer);
  return buf;
}

/**
 * The read buffer of connections with nothing left to parse. The JS thread handles one read at
 * a time, so they can all lend it to their sockets: each read is parsed as soon as it lands,
 * and what is left of it moves elsewhere before the next read.
 */
export function sharedReadBuffer(): Buffer {
  shared ??= allocReadBuffer(READ_BUFFER_BYTES);
  return shared;
}

/**
 * A Buffer viewing part of a read buffer, made as Node makes its own Buffers (a Uint8Array
 * subclass whose prototype chain holds Buffer.prototype, so it is a Buffer in every respect).
 * The parser makes one per argument: `buf.subarray()` would cost a call into C++ for
 * `buf.buffer` each time, and several times the instructions of this constructor.
 */
class ReadBufferView extends Uint8Array {}
Object.setPrototypeOf(ReadBufferView.prototype, Buffer.prototype as object);

/** A Buffer of `length` bytes at `offset` in `memory`, which must be a read buffer's memory. */
export function readBufferView(memory: ArrayBufferLike, offset: number, length: number): Buffer {
  return new ReadBufferView(memory, offset, length) as unknown as Buffer;
}

/** Whether `buf` views a read buffer, so its bytes will be overwritten by a later read. */
export function isReadBufferView(buf: Uint8Array): boolean {
  return buf instanceof ReadBufferView || readBuffers.has(buf.buffer);
}
