import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type BackendName, ReplyError, oneLine, resolveBackendEntry } from '@modelkv/core';
import type { CommandContext } from './context.js';
import type { SecuritySettings } from './security-options.js';

/**
 * The field of a backend package's package.json that makes it loadable with AI.CONFIG
 * LOADBACKEND: `"modelkv": { "backend": "TORCH" }` names the identifier it provides.
 */
export const BACKEND_DECLARATION_FIELD = 'modelkv';

type GateSettings = Pick<SecuritySettings, 'enableLoadbackendCommand' | 'backendsPath' | 'loadbackendAllowFiles'>;

/** Whether `child` is `parent` or inside it (both absolute, resolved). */
function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The identifier a package directory's package.json declares, or undefined for anything else. */
function declaredBackend(dir: string): string | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const field = (pkg as Record<string, unknown>)[BACKEND_DECLARATION_FIELD];
  if (typeof field !== 'object' || field === null) return undefined;
  const backend = (field as Record<string, unknown>).backend;
  return typeof backend === 'string' ? backend.toUpperCase() : undefined;
}

/**
 * Checks an AI.CONFIG LOADBACKEND request before anything is imported or started, and returns
 * the path to load (symbolic links resolved). In order: the client may run it
 * (enable-loadbackend-command), the path stays inside backends-path (as written and once links
 * are resolved), and it is a package directory whose package.json declares a backend for `name`,
 * with an entry inside the package (or, with loadbackend-allow-files, a .js/.mjs/.cjs file).
 * A path that is missing, unreadable or not a declared backend gets one and the same error, so
 * that the replies tell nothing about what exists on the disk. A relative path is resolved against
 * `searchDir` (AI.CONFIG BACKENDSPATH) when given, else backends-path, else `cwd`; whichever it
 * is, the path must stay inside backends-path.
 */
export function checkBackendRequest(
  name: BackendName,
  path: string,
  isLocal: boolean,
  settings: GateSettings,
  cwd: string,
  searchDir?: string,
): string {
  const mode = settings.enableLoadbackendCommand;
  if (mode === 'no' || (mode === 'local' && !isLocal)) {
    throw new ReplyError(
      'AI.CONFIG LOADBACKEND command not allowed. If the enable-loadbackend-command option is set to "local", you can run it from a local connection, otherwise you need to set this option on the server\'s command line, and then restart the server.',
    );
  }
  const refused = new ReplyError(
    `cannot load backend ${name} from '${oneLine(path)}': not a package directory this server can read whose package.json declares "${BACKEND_DECLARATION_FIELD}": { "backend": "${name}" }` +
      (settings.loadbackendAllowFiles ? ', nor a .js, .mjs or .cjs file' : ''),
  );
  if (path === '' || path.includes('\0')) throw refused;
  const limited = settings.backendsPath !== '';
  const base = limited ? resolve(cwd, settings.backendsPath) : cwd;
  const full = resolve(searchDir === undefined ? base : resolve(cwd, searchDir), path);
  if (limited && !inside(full, base)) throw new ReplyError(`backend path '${oneLine(path)}' is outside backends-path`);
  let real: string;
  let realBase = base;
  try {
    real = realpathSync(full);
    if (limited) realBase = realpathSync(base);
  } catch {
    throw refused;
  }
  if (limited && !inside(real, realBase)) throw refused;
  let isFile: boolean;
  try {
    const st = statSync(real);
    if (!st.isFile() && !st.isDirectory()) throw refused;
    isFile = st.isFile();
  } catch {
    throw refused;
  }
  if (isFile) {
    if (settings.loadbackendAllowFiles && /\.[cm]?js$/.test(real)) return real;
    throw refused;
  }
  const declared = declaredBackend(real);
  if (declared === undefined) throw refused;
  if (declared !== name) throw new ReplyError(`the backend package at '${oneLine(path)}' declares ${declared}, not ${name}`);
  // The entry it names must be its own file, not one elsewhere reached through `..` or a link.
  let entry: string;
  try {
    entry = realpathSync(resolveBackendEntry(real));
  } catch {
    throw new ReplyError(`the backend package at '${oneLine(path)}' names no entry file that exists (is it built?)`);
  }
  if (!inside(entry, real)) throw refused;
  return real;
}

/**
 * AI.CONFIG LOADBACKEND for a client: the request checked (checkBackendRequest), then loaded.
 * Every request is logged with who asked, what, and how it ended.
 */
export async function loadBackendForClient(ctx: CommandContext, name: BackendName, path: string): Promise<void> {
  const client = ctx.client;
  const who = { client: client.id, addr: client.remoteAddress, user: client.user.name, backend: name, path };
  const logger = ctx.server.logger;
  let target: string;
  try {
    target = checkBackendRequest(name, path, client.isLocal, ctx.server.config.settings, ctx.server.cwd, ctx.engine.backendsPath);
  } catch (err) {
    logger.warning('AI.CONFIG LOADBACKEND refused', { ...who, reason: (err as Error).message });
    throw err;
  }
  try {
    await ctx.engine.loadBackend(name, target);
  } catch (err) {
    logger.warning('AI.CONFIG LOADBACKEND failed', { ...who, resolved: target, reason: (err as Error).message });
    throw err;
  }
  logger.notice('AI.CONFIG LOADBACKEND loaded a backend', { ...who, resolved: target });
}

/**
 * The directory AI.CONFIG BACKENDSPATH names, resolved against the server's cwd. With
 * backends-path set it must lie inside it: BACKENDSPATH moves where relative LOADBACKEND paths
 * start, never the limit of where backends may be loaded from.
 */
export function backendsPathWithin(ctx: CommandContext, dir: string): string {
  if (dir === '' || dir.includes('\0')) throw new ReplyError('BACKENDSPATH: invalid path');
  const cwd = ctx.server.cwd;
  const full = resolve(cwd, dir);
  const limit = ctx.server.config.settings.backendsPath;
  if (limit !== '' && !inside(full, resolve(cwd, limit))) {
    throw new ReplyError(`BACKENDSPATH '${oneLine(dir)}' is outside backends-path`);
  }
  return full;
}
