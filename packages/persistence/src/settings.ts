import type { FsyncPolicy } from './aof-writer.js';

/** A snapshot is taken when at least `changes` writes happened in the last `seconds`. */
export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

/** Persistence settings, with redis.conf's names in the comments. Read live: CONFIG SET changes them. */
export interface PersistenceSettings {
  /** `dir`: where the snapshot and the append-only file are. */
  dir: string;
  /** `dbfilename` */
  dbfilename: string;
  /** `save`: when to take snapshots by themselves; empty: never. */
  save: SavePoint[];
  /** `appendonly` */
  appendonly: boolean;
  /** `appendfilename`: the name the append-only file's files start with. */
  appendfilename: string;
  /** `appenddirname`: the directory (inside `dir`) holding the append-only file's files. */
  appenddirname: string;
  /** `appendfsync` */
  appendfsync: FsyncPolicy;
  /** `auto-aof-rewrite-percentage`: growth over the size after the last rewrite that starts one; 0: never. */
  autoAofRewritePercentage: number;
  /** `auto-aof-rewrite-min-size` */
  autoAofRewriteMinSize: number;
  /** `aof-load-truncated` */
  aofLoadTruncated: boolean;
  /** `aof-use-rdb-preamble`: rewritten files start with a snapshot. */
  aofUseRdbPreamble: boolean;
  /** `stop-writes-on-bgsave-error` */
  stopWritesOnBgsaveError: boolean;
  /** Keep models and scripts whose backend is not loaded at start (they answer ERR until it is). */
  keepModelsWithoutBackend: boolean;
}

export function defaultPersistenceSettings(): PersistenceSettings {
  return {
    dir: process.cwd(),
    dbfilename: 'dump.rdb',
    save: [],
    appendonly: false,
    appendfilename: 'appendonly.aof',
    appenddirname: 'appendonlydir',
    appendfsync: 'everysec',
    autoAofRewritePercentage: 100,
    autoAofRewriteMinSize: 64 * 1024 * 1024,
    aofLoadTruncated: true,
    aofUseRdbPreamble: true,
    stopWritesOnBgsaveError: true,
    keepModelsWithoutBackend: false,
  };
}

/** Parses `"<seconds> <changes> ..."` as redis.conf's save line; `""` is no save points. Undefined when malformed. */
export function parseSavePoints(text: string): SavePoint[] | undefined {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length % 2 !== 0) return undefined;
  const points: SavePoint[] = [];
  for (let i = 0; i < words.length; i += 2) {
    if (!/^\d+$/.test(words[i]!) || !/^\d+$/.test(words[i + 1]!)) return undefined;
    const seconds = Number(words[i]);
    const changes = Number(words[i + 1]);
    if (seconds < 1 || changes < 0 || !Number.isSafeInteger(seconds) || !Number.isSafeInteger(changes)) return undefined;
    points.push({ seconds, changes });
  }
  return points;
}

export function formatSavePoints(points: readonly SavePoint[]): string {
  return points.map((p) => `${p.seconds} ${p.changes}`).join(' ');
}
