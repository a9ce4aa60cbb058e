import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './snapshot-file.js';

/**
 * The append-only file is a directory of files, as Redis 7 keeps it (`appenddirname`): a base
 * (the keyspace at the last rewrite, as a snapshot or as commands) and incremental files of
 * commands appended since, listed in order by a manifest. A rewrite starts a new incremental
 * file at once and writes the new base in the background; nothing is ever copied twice.
 *
 * Manifest lines, as Redis writes them: `file <name> seq <n> type <b|i>`.
 */
export interface AofFileEntry {
  readonly name: string;
  readonly seq: number;
  readonly type: 'b' | 'i';
}

export interface Manifest {
  readonly base: AofFileEntry | undefined;
  readonly incrs: readonly AofFileEntry[];
}

export const EMPTY_MANIFEST: Manifest = { base: undefined, incrs: [] };

export function manifestName(appendfilename: string): string {
  return `${appendfilename}.manifest`;
}

export function baseName(appendfilename: string, seq: number, snapshot: boolean): string {
  return `${appendfilename}.${seq}.base.${snapshot ? 'rdb' : 'aof'}`;
}

export function incrName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

export function formatManifest(m: Manifest): string {
  const lines: string[] = [];
  if (m.base) lines.push(`file ${m.base.name} seq ${m.base.seq} type b`);
  for (const i of m.incrs) lines.push(`file ${i.name} seq ${i.seq} type i`);
  return lines.map((l) => `${l}\n`).join('');
}

/** Parses a manifest; throws an Error saying which line is wrong. */
export function parseManifest(text: string): Manifest {
  let base: AofFileEntry | undefined;
  const incrs: AofFileEntry[] = [];
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const words = trimmed.split(/\s+/);
    const fields = new Map<string, string>();
    for (let w = 0; w + 1 < words.length; w += 2) fields.set(words[w]!, words[w + 1]!);
    const name = fields.get('file');
    const seq = Number(fields.get('seq'));
    const type = fields.get('type');
    if (!name || name.includes('/') || !Number.isSafeInteger(seq) || seq < 1 || (type !== 'b' && type !== 'i' && type !== 'h')) {
      throw new Error(`invalid manifest line ${i + 1}: '${trimmed.slice(0, 200)}'`);
    }
    if (type === 'h') return; // history: files a rewrite replaced, not loaded
    if (type === 'b') {
      if (base) throw new Error(`the manifest names two base files (line ${i + 1})`);
      base = { name, seq, type };
    } else {
      incrs.push({ name, seq, type });
    }
  });
  return { base, incrs };
}

export async function readManifest(dir: string, appendfilename: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, manifestName(appendfilename)), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseManifest(text);
}

/** Replaces the manifest atomically: a temporary file, synced, renamed, and the directory synced. */
export async function writeManifest(dir: string, appendfilename: string, m: Manifest): Promise<void> {
  const path = join(dir, manifestName(appendfilename));
  const temp = `${path}.temp-${process.pid}`;
  await writeFile(temp, formatManifest(m));
  const handle = await open(temp, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dir);
}

/** The sequence numbers a new base and a new incremental file take after `m`. */
export function nextSeqs(m: Manifest): { base: number; incr: number } {
  return { base: (m.base?.seq ?? 0) + 1, incr: Math.max(0, ...m.incrs.map((i) => i.seq)) + 1 };
}

/** Removes files a rewrite made unnecessary; one that is already gone is fine. */
export async function removeFiles(dir: string, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((n) => unlink(join(dir, n)).catch(() => undefined)));
}
