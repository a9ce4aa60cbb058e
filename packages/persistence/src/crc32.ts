import zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the zlib / PNG / gzip one), continuing from `crc`. zlib's own routine
 * where Node has it (20.15 and later), a table-driven one otherwise.
 */
export const crc32: (data: Uint8Array, crc?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data, crc = 0) => (zlib as unknown as { crc32: (d: Uint8Array, c: number) => number }).crc32(data, crc)
    : tableCrc32;

let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, crc = 0): number {
  table ??= makeTable();
  let c = ~crc >>> 0;
  for (const byte of data) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Bytes checksummed per step of `crc32Yielding`: a few milliseconds of work. */
const CRC_SLICE = 4 * 1024 * 1024;

/** CRC-32 of a large buffer in slices, letting the event loop run between them. */
export async function crc32Yielding(data: Uint8Array, crc = 0): Promise<number> {
  for (let off = 0; off < data.length; off += CRC_SLICE) {
    if (off > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    crc = crc32(data.subarray(off, Math.min(data.length, off + CRC_SLICE)), crc);
  }
  return crc;
}
