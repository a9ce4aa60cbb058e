import net from 'node:net';
import type { FrameReader } from './frames.js';

interface HandleHolder {
  _handle: object | null | undefined;
}

/** net.Socket's constructor options beyond its typings: the handle to wrap. */
interface WrapOptions extends net.SocketConstructorOpts {
  handle?: object;
  onread: net.OnReadOpts;
}

/** What to do with a read: parse it; a malformed stream goes to `onError` and is not read further. */
function readOptions(reader: FrameReader, onError: (err: unknown) => void): net.OnReadOpts {
  let failed = false;
  return {
    buffer: () => reader.buffer(),
    callback: (n) => {
      if (failed) return false;
      try {
        reader.received(n);
      } catch (err) {
        failed = true;
        onError(err);
        return false;
      }
      return true;
    },
  };
}

/** The backend process's end of the channel: a socket over an inherited descriptor. */
export function socketOnFd(fd: number, reader: FrameReader, onError: (err: unknown) => void): net.Socket {
  const options: WrapOptions = { fd, readable: true, writable: true, onread: readOptions(reader, onError) };
  return new net.Socket(options);
}

/**
 * The server's end: the socket child_process made for an extra 'pipe' descriptor, moved to a
 * socket that reads into the frame reader's memory (net.Socket's `onread`, which child_process
 * does not offer). Falls back to copying chunks in when the handle cannot be moved.
 */
export function adoptSocket(made: net.Socket, reader: FrameReader, onError: (err: unknown) => void): net.Socket {
  const holder = made as unknown as HandleHolder;
  const handle = holder._handle;
  if (handle !== null && handle !== undefined && !made.destroyed) {
    holder._handle = null;
    try {
      const options: WrapOptions = { handle, readable: true, writable: true, onread: readOptions(reader, onError) };
      const socket = new net.Socket(options);
      if ((socket as unknown as HandleHolder)._handle === handle) {
        socket.once('close', () => made.destroy());
        return socket;
      }
    } catch {
      // fall through: the original socket keeps its handle
    }
    holder._handle = handle;
  }
  let failed = false;
  made.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      reader.push(chunk);
    } catch (err) {
      failed = true;
      onError(err);
    }
  });
  return made;
}
