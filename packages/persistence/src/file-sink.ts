import { type FileHandle, open } from 'node:fs/promises';
import { FrameBuffer } from './frame-buffer.js';

/** Bytes gathered before they are handed to the file in one writev. */
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * A file written front to back from the event loop without blocking it: bytes gather in a
 * FrameBuffer (large values by reference) and go to the file in batches, the writes themselves
 * running on libuv's threads.
 */
export class FileSink {
  readonly frames = new FrameBuffer();
  /** Bytes handed to the file so far. */
  written = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<FileSink> {
    return new FileSink(path, await open(path, 'w'));
  }

  get fd(): number {
    return this.handle.fd;
  }

  /** Writes what has gathered once it is worth a system call. */
  async maybeFlush(): Promise<void> {
    if (this.frames.length >= WRITE_BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    const parts = this.frames.take();
    if (parts.length === 0) return;
    await writeAll(this.handle, parts);
    for (const p of parts) this.written += p.length;
  }

  /** Flushes, then waits until the data is on disk. */
  async sync(): Promise<void> {
    await this.flush();
    await this.handle.datasync();
  }

  /** The open file, handed on to whoever appends to it next (the sink is done with it). */
  handleForAppending(): FileHandle {
    return this.handle;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** FileHandle.writev may write part of what it was given; this writes all of it. */
export async function writeAll(handle: FileHandle, parts: Buffer[]): Promise<void> {
  let rest = parts;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest.slice(0, 1024));
    if (bytesWritten === 0) throw new Error('the file took no bytes');
    rest = skipBytes(rest, bytesWritten);
  }
}

/** The buffers that remain once the first `n` bytes of `parts` are gone. */
export function skipBytes(parts: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < parts.length && n >= parts[i]!.length) {
    n -= parts[i]!.length;
    i++;
  }
  const rest = parts.slice(i);
  if (n > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}
