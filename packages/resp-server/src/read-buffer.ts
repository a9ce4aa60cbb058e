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

/** Whether `buf` views a read buffer, so its bytes will be overwritten by a later read. */
export function isReadBufferView(buf: Uint8Array): boolean {
  return readBuffers.has(buf.buffer);
}
