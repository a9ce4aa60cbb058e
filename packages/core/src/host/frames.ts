import type { Writable } from 'node:stream';
import { ProtocolError } from './head.js';

/**
 * Frames between the server and a backend process. A frame is
 *
 *     u32 headLength | u8 type | u32 id | u16 sectionCount | sectionCount × f64 sectionLength
 *     | head (headLength bytes) | section 0 | section 1 | ...
 *
 * little-endian. The head holds the typed fields (see head.ts); sections hold bulk bytes
 * (tensor data, a model blob) and are written straight from the Buffers that hold them, and
 * read into Buffers of their exact size: large ones straight from the socket.
 */
export const PREFIX_BYTES = 11;

export interface Frame {
  readonly type: number;
  readonly id: number;
  readonly head: Buffer;
  readonly sections: Buffer[];
}

export interface FrameLimits {
  /** Largest head accepted. */
  readonly maxHead: number;
  /** Largest single section accepted. */
  readonly maxSection: number;
  /** Most sections in one frame. */
  readonly maxSections: number;
  /** Largest sum of one frame's sections. */
  readonly maxTotal: number;
}

/** Where reads land: the rest of a large section in progress, or a reusable scratch buffer. */
const SCRATCH_BYTES = 64 * 1024;
/** A section with at least this much still to come is read straight into its own buffer. */
const DIRECT_BYTES = 32 * 1024;
/** Room wanted after the unparsed bytes before a read into the scratch buffer. */
const MIN_READ_BYTES = 16 * 1024;

interface Pending {
  readonly type: number;
  readonly id: number;
  readonly head: Buffer;
  readonly sections: Buffer[];
  index: number;
  fill: number;
}

/**
 * Parses frames as bytes arrive. It lends the memory the next read lands in (`buffer()`, then
 * `received()`: a socket's `onread` option does exactly this), or copies chunks in (`push`).
 * Every complete frame of a read is handed to `onFrame` before the read's callback returns, so a
 * read that brings several replies settles them in one go. Throws ProtocolError on a frame
 * outside the limits; the stream must not be used afterwards.
 */
export class FrameReader {
  private scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  private pos = 0;
  private end = 0;
  private pending: Pending | null = null;
  /** Whether the last buffer() lent the section in progress (else the scratch buffer). */
  private lentSection = false;

  constructor(
    private readonly limits: FrameLimits,
    private readonly onFrame: (frame: Frame) => void,
  ) {}

  buffer(): Buffer {
    const p = this.pending;
    if (p !== null && this.pos === this.end && p.index < p.sections.length) {
      const section = p.sections[p.index]!;
      if (section.length - p.fill >= DIRECT_BYTES) {
        this.lentSection = true;
        return section.subarray(p.fill);
      }
    }
    this.lentSection = false;
    this.makeRoom(MIN_READ_BYTES);
    return this.scratch.subarray(this.end);
  }

  received(n: number): void {
    if (n <= 0) return;
    if (this.lentSection) {
      this.lentSection = false;
      const p = this.pending!;
      p.fill += n;
      if (p.fill === p.sections[p.index]!.length) {
        p.index++;
        p.fill = 0;
      }
    } else {
      this.end += n;
    }
    this.parse();
  }

  /** Copies a chunk in (for streams read the ordinary way). */
  push(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length;) {
      const room = this.buffer();
      const n = Math.min(room.length, chunk.length - off);
      room.set(chunk.subarray(off, off + n));
      this.received(n);
      off += n;
    }
  }

  private makeRoom(want: number): void {
    if (this.pos === this.end) {
      this.pos = 0;
      this.end = 0;
    }
    if (this.scratch.length - this.end >= want) return;
    const used = this.end - this.pos;
    if (this.pos > 0 && this.scratch.length - used >= want) {
      this.scratch.copyWithin(0, this.pos, this.end);
    } else {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.scratch.length * 2, used + want));
      this.scratch.copy(grown, 0, this.pos, this.end);
      this.scratch = grown;
    }
    this.pos = 0;
    this.end = used;
  }

  private parse(): void {
    for (;;) {
      if (this.pending === null && !this.startFrame()) return;
      const p = this.pending!;
      while (p.index < p.sections.length) {
        const section = p.sections[p.index]!;
        const take = Math.min(section.length - p.fill, this.end - this.pos);
        this.scratch.copy(section, p.fill, this.pos, this.pos + take);
        this.pos += take;
        p.fill += take;
        if (p.fill < section.length) return;
        p.index++;
        p.fill = 0;
      }
      this.pending = null;
      this.onFrame({ type: p.type, id: p.id, head: p.head, sections: p.sections });
    }
  }

  /** Parses the prefix and head of the next frame once they have all arrived. */
  private startFrame(): boolean {
    const avail = this.end - this.pos;
    if (avail < PREFIX_BYTES) return false;
    const s = this.scratch;
    const headLength = s.readUInt32LE(this.pos);
    const type = s[this.pos + 4]!;
    const id = s.readUInt32LE(this.pos + 5);
    const count = s.readUInt16LE(this.pos + 9);
    const { maxHead, maxSection, maxSections, maxTotal } = this.limits;
    if (headLength > maxHead) throw new ProtocolError(`message head of ${headLength} bytes exceeds ${maxHead}`);
    if (count > maxSections) throw new ProtocolError(`message with ${count} sections exceeds ${maxSections}`);
    const need = PREFIX_BYTES + 8 * count + headLength;
    if (avail < need) {
      if (this.scratch.length - this.pos < need) this.makeRoom(need - avail);
      return false;
    }
    let at = this.pos + PREFIX_BYTES;
    let total = 0;
    const sections: Buffer[] = new Array<Buffer>(count);
    for (let i = 0; i < count; i++, at += 8) {
      const len = s.readDoubleLE(at);
      if (!Number.isSafeInteger(len) || len < 0 || len > maxSection) throw new ProtocolError(`invalid section length ${len}`);
      total += len;
      if (total > maxTotal) throw new ProtocolError(`message of more than ${maxTotal} bytes`);
      sections[i] = len >= 4096 ? Buffer.allocUnsafeSlow(len) : Buffer.allocUnsafe(len);
    }
    const head = Buffer.allocUnsafe(headLength);
    s.copy(head, 0, at, at + headLength);
    this.pos += need;
    this.pending = { type, id, head, sections, index: 0, fill: 0 };
    return true;
  }
}

/** Frames of at most this size are written as one Buffer; larger ones as their parts. */
const INLINE_BYTES = 16 * 1024;

/**
 * Writes frames. Frames sent in one tick are corked together and leave in one write (writev),
 * so replies that pile up travel together.
 */
export class FrameWriter {
  private corked = false;

  constructor(private readonly stream: Writable) {}

  send(type: number, id: number, head: Uint8Array, sections: readonly Uint8Array[] = []): void {
    if (sections.length > 0xffff) throw new RangeError(`a message holds at most 65535 sections, not ${sections.length}`);
    const prefixLength = PREFIX_BYTES + 8 * sections.length + head.length;
    let dataLength = 0;
    for (const s of sections) dataLength += s.length;
    const inline = prefixLength + dataLength <= INLINE_BYTES;
    const out = Buffer.allocUnsafe(inline ? prefixLength + dataLength : prefixLength);
    out.writeUInt32LE(head.length, 0);
    out[4] = type;
    out.writeUInt32LE(id, 5);
    out.writeUInt16LE(sections.length, 9);
    let at = PREFIX_BYTES;
    for (const s of sections) at = out.writeDoubleLE(s.length, at);
    out.set(head, at);
    at += head.length;
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      setImmediate(this.uncork);
    }
    if (inline) {
      for (const s of sections) {
        out.set(s, at);
        at += s.length;
      }
      this.stream.write(out);
      return;
    }
    this.stream.write(out);
    for (const s of sections) if (s.length > 0) this.stream.write(s);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.stream.uncork();
  };
}
