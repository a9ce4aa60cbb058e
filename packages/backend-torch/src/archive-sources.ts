import { inflateRawSync } from 'node:zlib';

/** A source file inside a TorchScript model archive. */
export interface ArchiveSource {
  readonly name: string;
  readonly text: string;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

class ArchiveError extends Error {}

/**
 * The `.py` files of a TorchScript archive (the zip `torch.jit.save` writes; its code lives in
 * `<name>/code/**.py`), read with bounds checks and without libtorch, so that they can be checked
 * before libtorch parses them. Entries are found as libtorch's zip reader finds them: through the
 * central directory named by the last end-of-central-directory record, each entry's data after
 * its local header. Every `.py` entry is returned, duplicates included. Bytes that are not a zip
 * give no entries (libtorch refuses them itself); a zip whose `.py` entries cannot be read
 * throws.
 */
export function archiveSources(blob: Buffer): ArchiveSource[] {
  const eocd = findEocd(blob);
  if (eocd < 0) return [];
  let entries = blob.readUInt16LE(eocd + 10);
  let cdOffset = blob.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || blob.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ArchiveError('zip64 locator missing');
    const z = safe(blob.readBigUInt64LE(locator + 8));
    need(blob, z, 56);
    if (blob.readUInt32LE(z) !== ZIP64_EOCD) throw new ArchiveError('zip64 end of central directory missing');
    entries = safe(blob.readBigUInt64LE(z + 32));
    cdOffset = safe(blob.readBigUInt64LE(z + 48));
  }
  const sources: ArchiveSource[] = [];
  let p = cdOffset;
  for (let e = 0; e < entries; e++) {
    need(blob, p, 46);
    if (blob.readUInt32LE(p) !== CENTRAL) throw new ArchiveError('central directory entry expected');
    const method = blob.readUInt16LE(p + 10);
    let compressed = blob.readUInt32LE(p + 20);
    let size = blob.readUInt32LE(p + 24);
    const nameLength = blob.readUInt16LE(p + 28);
    const extraLength = blob.readUInt16LE(p + 30);
    const commentLength = blob.readUInt16LE(p + 32);
    let local = blob.readUInt32LE(p + 42);
    need(blob, p + 46, nameLength + extraLength);
    const name = blob.toString('utf8', p + 46, p + 46 + nameLength);
    ({ size, compressed, local } = zip64Sizes(blob, p + 46 + nameLength, extraLength, { size, compressed, local }));
    p += 46 + nameLength + extraLength + commentLength;
    if (!name.endsWith('.py')) continue;
    sources.push({ name, text: readEntry(blob, local, method, compressed, size, name) });
  }
  return sources;
}

function findEocd(blob: Buffer): number {
  const lowest = Math.max(0, blob.length - 22 - 0xffff);
  for (let i = blob.length - 22; i >= lowest; i--) {
    if (blob.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

interface Sizes {
  size: number;
  compressed: number;
  local: number;
}

/** The zip64 extra field holds, in this order, whichever of the three sizes were 0xffffffff. */
function zip64Sizes(blob: Buffer, start: number, length: number, sizes: Sizes): Sizes {
  const out = { ...sizes };
  for (let q = start; q + 4 <= start + length;) {
    const id = blob.readUInt16LE(q);
    const n = blob.readUInt16LE(q + 2);
    if (q + 4 + n > start + length) break;
    if (id === 0x0001) {
      let r = q + 4;
      for (const key of ['size', 'compressed', 'local'] as const) {
        if (out[key] !== 0xffffffff) continue;
        if (r + 8 > q + 4 + n) throw new ArchiveError('zip64 extra field too short');
        out[key] = safe(blob.readBigUInt64LE(r));
        r += 8;
      }
    }
    q += 4 + n;
  }
  return out;
}

function readEntry(blob: Buffer, local: number, method: number, compressed: number, size: number, name: string): string {
  need(blob, local, 30);
  if (blob.readUInt32LE(local) !== LOCAL) throw new ArchiveError(`entry ${name}: local header expected`);
  const start = local + 30 + blob.readUInt16LE(local + 26) + blob.readUInt16LE(local + 28);
  need(blob, start, compressed);
  const data = blob.subarray(start, start + compressed);
  if (method === STORED) return data.toString('utf8');
  if (method !== DEFLATED) throw new ArchiveError(`entry ${name}: compression method ${method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, size) }).toString('utf8');
  } catch (err) {
    throw new ArchiveError(`entry ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function need(blob: Buffer, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > blob.length) throw new ArchiveError('zip structure points past the end of the blob');
}

function safe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArchiveError('zip64 value too large');
  return Number(value);
}

export { ArchiveError };
