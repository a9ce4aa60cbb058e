#!/usr/bin/env node
import { readFile, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseManifest } from './aof-manifest.js';
import { type AofCheck, checkAof } from './check-aof.js';

const USAGE = `Usage: modelkv-check-aof [--fix] <file.manifest|file.aof>

Checks the append-only file written by modelkv-server the way the server loads it: given its
manifest (appendonlydir/appendonly.aof.manifest), every file it lists; given one file, that file.
With --fix, offers to cut the last file at the end of its last whole command (everything after it
is lost); damage in any other file cannot be fixed this way.`;

interface Checked {
  readonly file: string;
  readonly check: AofCheck;
}

async function filesOf(path: string): Promise<string[]> {
  if (!path.endsWith('.manifest')) return [path];
  const m = parseManifest(await readFile(path, 'utf8'));
  const dir = dirname(path);
  return [...(m.base ? [m.base] : []), ...m.incrs].map((f) => join(dir, f.name));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const fix = args.includes('--fix');
  const paths = args.filter((a) => a !== '--fix');
  if (paths.length !== 1 || paths[0]!.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  let checked: Checked[];
  try {
    const files = await filesOf(paths[0]!);
    checked = [];
    for (const file of files) checked.push({ file, check: await checkAof(file) });
  } catch (err) {
    process.stderr.write(`Cannot check ${paths[0]!}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let bad: Checked | undefined;
  for (const c of checked) {
    const { size, okUpTo, problem } = c.check;
    process.stdout.write(`AOF analyzed: filename=${basename(c.file)}, size=${size}, ok_up_to=${okUpTo}, diff=${size - okUpTo}\n`);
    if (problem !== undefined) {
      process.stdout.write(`${basename(c.file)}: ${problem}\n`);
      bad ??= c;
    }
  }
  if (!bad) {
    process.stdout.write(checked.length > 1 ? 'All AOF files and manifest are valid\n' : `AOF ${checked[0]!.file} is valid\n`);
    return 0;
  }
  if (!fix) {
    process.stdout.write(`AOF ${bad.file} is not valid. Use the --fix option to try fixing it.\n`);
    return 1;
  }
  if (bad !== checked.at(-1)) {
    process.stdout.write(`AOF ${bad.file} is not the last file: it cannot be fixed by cutting it.\n`);
    return 1;
  }
  const { size, okUpTo } = bad.check;
  process.stdout.write(`This will shrink the AOF ${bad.file} from ${size} bytes, with ${size - okUpTo} bytes, to ${okUpTo} bytes\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Continue? [y/N]: ');
  rl.close();
  if (!/^y/i.test(answer.trim())) {
    process.stdout.write('Aborting...\n');
    return 1;
  }
  await truncate(bad.file, okUpTo);
  process.stdout.write(`Successfully truncated AOF ${bad.file}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`modelkv-check-aof: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
