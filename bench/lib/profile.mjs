// BENCH_PROFILE=1: the benches start modelkv-server under `node --cpu-prof`, one profile
// directory per server, and print the profiles' paths once the servers have exited (V8 writes
// a profile when the process exits normally: SIGTERM and SHUTDOWN both end in process.exit).
// BENCH_PROFILE_DIR=<dir> puts the directories there instead of the system's temporary folder.
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROFILING = process.env.BENCH_PROFILE === '1';

/** A fresh directory for one server's CPU profile, or undefined when BENCH_PROFILE is not 1. */
export function profileDir(label) {
  if (!PROFILING) return undefined;
  const base = process.env.BENCH_PROFILE_DIR ?? tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `modelkv-profile-${label}-`));
}

/** Prints the .cpuprofile files a stopped server left in `dir` (nothing when `dir` is undefined). */
export function printProfiles(label, dir) {
  if (!dir) return;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.log(`CPU profile (${label}): none written in ${dir}`);
    return;
  }
  for (const f of files) console.log(`CPU profile (${label}): ${join(dir, f)}`);
}
