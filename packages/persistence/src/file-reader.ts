import { type FileHandle, open } from 'node:fs/promises';

const CHUNK_BYTES = 1024 * 1024;
/** Reads at least this long go straight into their own buffer instead of through the chunk. */
const DIRECT_BYTES = 64 * 1024;

/** The file ended inside something it had started: what a crash mid-write leaves. */
export class UnexpectedEof extends Error {
  constructor(readonly offset: number) {
    super(`unexpected end of file at offset ${offset}`);
    this.name = 'UnexpectedEof';
  }
}

/**
 * Reads a file front to back through a chunk buffer, knowing the offset of every byte, so that
 * a reader of the formats above can say where a problem is.
 */
export class FileReader {
  private buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private pos = 0;
  private end = 0;
  /** File offset of buf[end]. */
  private filePos = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new FileReader(handle, size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Offset of the next unread byte. */
  get offset(): number {
    return this.filePos - (this.end - this.pos);
  }

  /** Bytes of the file not read yet. */
  get remaining(): number {
    return this.size - this.offset;
  }

  get buffered(): number {
    return this.end - this.pos;
  }

  /** Makes `n` bytes available to `peek` / `take`. False when the file ends first. */
  async fill(n: number): Promise<boolean> {
    if (this.end - this.pos >= n) return true;
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
      this.end -= this.pos;
      this.pos = 0;
    }
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    while (this.end < n) {
      const { bytesRead } = await this.handle.read(this.buf, this.end, this.buf.length - this.end, this.filePos);
      if (bytesRead === 0) return false;
      this.end += bytesRead;
      this.filePos += bytesRead;
    }
    return true;
  }

  /** The buffered bytes from the read position on; valid until the next fill. */
  peek(): Buffer {
    return this.buf.subarray(this.pos, this.end);
  }

  skip(n: number): void {
    this.pos += n;
  }

  /** Exactly `n` bytes in a buffer of their own (8-byte aligned when large), or UnexpectedEof. */
  async read(n: number): Promise<Buffer> {
    if (n > this.remaining) throw new UnexpectedEof(this.size);
    if (n < DIRECT_BYTES) {
      if (!(await this.fill(n))) throw new UnexpectedEof(this.size);
      const out = Buffer.allocUnsafe(n);
      this.buf.copy(out, 0, this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const out = Buffer.allocUnsafeSlow(n);
    const have = Math.min(n, this.end - this.pos);
    this.buf.copy(out, 0, this.pos, this.pos + have);
    this.pos += have;
    let got = have;
    while (got < n) {
      const { bytesRead } = await this.handle.read(out, got, n - got, this.filePos);
      if (bytesRead === 0) throw new UnexpectedEof(this.size);
      got += bytesRead;
      this.filePos += bytesRead;
    }
    return out;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
