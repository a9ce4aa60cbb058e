import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { FSYNC_POLICIES, type FsyncPolicy, type PersistenceSettings, formatSavePoints, parseSavePoints } from '@modelkv/persistence';
import { parseMemory } from './args.js';
import type { Param } from './config.js';

const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

function parseYesNo(v: string): boolean | undefined {
  const w = v.toLowerCase();
  return w === 'yes' ? true : w === 'no' ? false : undefined;
}

function bool(
  name: string,
  field: { [K in keyof PersistenceSettings]: PersistenceSettings[K] extends boolean ? K : never }[keyof PersistenceSettings],
): Param {
  return {
    name,
    get: (s) => yesNo(s[field]),
    set: (s, v) => {
      const b = parseYesNo(v);
      if (b === undefined) return 'argument must be one of yes, no';
      s[field] = b;
      return undefined;
    },
  };
}

/** A file name inside `dir`, as Redis takes dbfilename and appendfilename: no path. */
function fileName(v: string): string | undefined {
  if (v === '' || v.includes('/') || v === '.' || v === '..') return "dbfilename can't be a path, just a filename";
  return undefined;
}

/** The persistence parameters, with redis.conf's names and the texts Redis answers a bad value with. */
export const PERSISTENCE_PARAMS: readonly Param[] = [
  {
    name: 'dir',
    get: (s) => s.dir,
    set: (s, v) => {
      const full = isAbsolute(v) ? v : resolve(s.dir, v);
      if (!existsSync(full) || !statSync(full).isDirectory()) return `No such file or directory`;
      s.dir = full;
      return undefined;
    },
  },
  {
    name: 'dbfilename',
    get: (s) => s.dbfilename,
    set: (s, v) => {
      const why = fileName(v);
      if (why) return why;
      s.dbfilename = v;
      return undefined;
    },
  },
  {
    name: 'save',
    get: (s) => formatSavePoints(s.save),
    set: (s, v) => {
      const points = parseSavePoints(v);
      if (!points) return 'Invalid save parameters';
      s.save = points;
      return undefined;
    },
  },
  bool('appendonly', 'appendonly'),
  {
    name: 'appendfilename',
    startOnly: true,
    get: (s) => s.appendfilename,
    set: (s, v) => {
      const why = fileName(v);
      if (why) return why.replace('dbfilename', 'appendfilename');
      s.appendfilename = v;
      return undefined;
    },
  },
  {
    name: 'appenddirname',
    startOnly: true,
    get: (s) => s.appenddirname,
    set: (s, v) => {
      const why = fileName(v);
      if (why) return "appenddirname can't be a path, just a dirname";
      s.appenddirname = v;
      return undefined;
    },
  },
  {
    name: 'appendfsync',
    get: (s) => s.appendfsync,
    set: (s, v) => {
      const w = v.toLowerCase();
      if (!(FSYNC_POLICIES as readonly string[]).includes(w)) return 'argument(s) must be one of the following: always, everysec, no';
      s.appendfsync = w as FsyncPolicy;
      return undefined;
    },
  },
  {
    name: 'auto-aof-rewrite-percentage',
    get: (s) => String(s.autoAofRewritePercentage),
    set: (s, v) => {
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) return "argument couldn't be parsed into an integer";
      s.autoAofRewritePercentage = Number(v);
      return undefined;
    },
  },
  {
    name: 'auto-aof-rewrite-min-size',
    get: (s) => String(s.autoAofRewriteMinSize),
    set: (s, v) => {
      const n = parseMemory(v);
      if (n === undefined) return 'argument must be a memory value';
      s.autoAofRewriteMinSize = n;
      return undefined;
    },
  },
  bool('aof-load-truncated', 'aofLoadTruncated'),
  bool('aof-use-rdb-preamble', 'aofUseRdbPreamble'),
  bool('stop-writes-on-bgsave-error', 'stopWritesOnBgsaveError'),
  bool('keep-models-without-backend', 'keepModelsWithoutBackend'),
];
