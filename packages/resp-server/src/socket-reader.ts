import net from 'node:net';

/** Where a socket's reads land, as net.Socket's `onread` option takes it. */
export interface ReadTarget {
  /** The memory the next read lands in; called again after every read. */
  buffer(): Buffer;
  /** `n` bytes were read into `buf`, the last buffer `buffer()` returned. */
  received(n: number, buf: Buffer): void;
}

/** What net.Socket's constructor takes beyond its typings: the handle to wrap and `onread`. */
interface WrapOptions extends net.SocketConstructorOpts {
  handle: object;
  writableHighWaterMark: number;
  onread: net.OnReadOpts;
}

interface HandleHolder {
  _handle: object | null | undefined;
}

/**
 * Makes a socket accepted by a server created with `pauseOnConnect` read into memory the caller
 * provides, instead of a fresh buffer per read: net.Socket's `onread` option, which net.Server
 * does not offer for the sockets it accepts. The accepted socket has not read anything yet; its
 * handle moves to a new Socket made with `onread`, and the accepted one, left without a handle,
 * is destroyed when the new one closes, so the server's connection count stays right.
 *
 * Returns null when the handle cannot be taken over; the accepted socket is then unchanged.
 */
export function readInto(accepted: net.Socket, target: ReadTarget): net.Socket | null {
  const holder = accepted as unknown as HandleHolder;
  const handle = holder._handle;
  if (handle === null || handle === undefined || accepted.destroyed) return null;
  const options: WrapOptions = {
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    readable: true,
    writable: true,
    writableHighWaterMark: accepted.writableHighWaterMark,
    onread: {
      buffer: () => target.buffer(),
      callback: (n, buf) => {
        target.received(n, buf as Buffer);
        return true;
      },
    },
  };
  holder._handle = null;
  let socket: net.Socket;
  try {
    socket = new net.Socket(options);
  } catch {
    holder._handle = handle;
    return null;
  }
  if ((socket as unknown as HandleHolder)._handle !== handle) {
    holder._handle = handle;
    return null;
  }
  socket.once('close', () => accepted.destroy());
  return socket;
}
