import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_INTERFACE_VERSION, BACKEND_NAMES, type Backend, type BackendConfig, type BackendName } from './backend.js';
import { ReplyError, oneLine } from './errors.js';

export function parseBackendName(word: string): BackendName {
  const upper = word.toUpperCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(upper)) {
    // The reference's exact words, which clients match on.
    throw new ReplyError('unsupported backend');
  }
  return upper as BackendName;
}

/**
 * Resolves a path to a backend module: a JS file, or a package directory whose package.json
 * names its entry (`exports["."]`, `main`), or a directory with an index.js.
 */
export function resolveBackendEntry(path: string, cwd = process.cwd()): string {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(full)) throw new ReplyError(`backend path '${path}' does not exist`);
  if (statSync(full).isFile()) return full;
  const pkgFile = join(full, 'package.json');
  if (existsSync(pkgFile)) {
    let pkg: unknown;
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    } catch (err) {
      throw new ReplyError(`backend package '${path}' has an unreadable package.json: ${oneLine(String(err))}`);
    }
    const entry = packageEntry(pkg);
    if (entry) {
      const file = join(full, entry);
      if (!existsSync(file)) throw new ReplyError(`backend package '${path}' names entry '${entry}', which does not exist (is it built?)`);
      return file;
    }
  }
  for (const name of ['index.js', 'index.mjs', 'index.cjs']) {
    if (existsSync(join(full, name))) return join(full, name);
  }
  throw new ReplyError(`backend path '${path}' is a directory without a package.json entry or index.js`);
}

function packageEntry(pkg: unknown): string | undefined {
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const { exports, main } = pkg as { exports?: unknown; main?: unknown };
  const root = typeof exports === 'object' && exports !== null && '.' in exports ? (exports as Record<string, unknown>)['.'] : exports;
  if (typeof root === 'string') return root;
  if (typeof root === 'object' && root !== null) {
    const r = root as Record<string, unknown>;
    for (const cond of ['node', 'import', 'default', 'require']) {
      if (typeof r[cond] === 'string') return r[cond];
    }
  }
  return typeof main === 'string' ? main : undefined;
}

/** Imports a module and checks that it exports a backend for `name`. */
export async function importBackend(name: BackendName, path: string, cwd?: string): Promise<Backend> {
  const entry = resolveBackendEntry(path, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ReplyError(`could not load backend from '${path}': ${oneLine(err instanceof Error ? err.message : String(err))}`);
  }
  const candidate = pickExport(mod);
  const problem = validateBackend(candidate, name);
  if (problem) throw new ReplyError(`'${path}' is not a modelkv backend: ${problem}`);
  return candidate as Backend;
}

function pickExport(mod: Record<string, unknown>): unknown {
  if (isObject(mod.backend)) return mod.backend;
  const def = mod.default;
  // A CommonJS module imported from ESM puts module.exports under default.
  if (isObject(def) && isObject((def as Record<string, unknown>).backend)) return (def as Record<string, unknown>).backend;
  return def;
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** Returns what is wrong with `value` as a backend for `name`, or undefined when it is one. */
export function validateBackend(value: unknown, name: BackendName): string | undefined {
  if (!isObject(value)) return 'it exports no backend object (default export or `backend`)';
  const b = value as Partial<Record<keyof Backend, unknown>>;
  if (b.interfaceVersion === undefined && typeof b.loadModel !== 'function') {
    return 'its export has neither interfaceVersion nor loadModel()';
  }
  if (b.interfaceVersion !== BACKEND_INTERFACE_VERSION) {
    return `interface version ${String(b.interfaceVersion)} does not match this server's ${BACKEND_INTERFACE_VERSION}`;
  }
  if (b.name !== name) return `it is a backend for ${String(b.name)}, not ${name}`;
  if (typeof b.version !== 'string') return 'its `version` is not a string';
  if (typeof b.devices !== 'function') return 'it has no devices() function';
  if (typeof b.loadModel !== 'function') return 'it has no loadModel() function';
  if (b.compileScript !== undefined && typeof b.compileScript !== 'function') return '`compileScript` is not a function';
  if (b.init !== undefined && typeof b.init !== 'function') return '`init` is not a function';
  return undefined;
}

/** Calls a backend's `init`, turning its failure into the error LOADBACKEND replies with. */
export async function initBackend(backend: Backend, name: BackendName, path: string, config: BackendConfig): Promise<void> {
  try {
    await backend.init?.(config);
  } catch (err) {
    throw new ReplyError(
      `backend ${name} from '${path}' failed to initialise: ${oneLine(err instanceof Error ? err.message : String(err))}`,
    );
  }
}

export interface LoadedBackend {
  readonly name: BackendName;
  readonly path: string;
  readonly backend: Backend;
}

/**
 * The backends loaded in this process: at most one per identifier, never unloaded (both as the
 * specification says). Concurrent loads of one identifier are refused, not raced.
 */
export class BackendRegistry {
  private readonly loaded = new Map<BackendName, LoadedBackend>();
  private readonly loading = new Set<BackendName>();

  constructor(private config: BackendConfig) {}

  /** Changes the settings backends loaded from now on are initialised with. */
  configure(changes: Partial<BackendConfig>): void {
    this.config = { ...this.config, ...changes };
  }

  load(name: BackendName, path: string, cwd?: string): Promise<LoadedBackend> {
    return this.add(name, path, async () => {
      const backend = await importBackend(name, path, cwd);
      await initBackend(backend, name, path, this.config);
      return backend;
    });
  }

  /**
   * Registers the backend `open` resolves to under `name`, with the same one-per-identifier
   * rules as `load`; `open` imports and initialises it (e.g. in a process of its own).
   */
  loadWith(name: BackendName, path: string, open: () => Promise<Backend>): Promise<LoadedBackend> {
    return this.add(name, path, open);
  }

  private async add(name: BackendName, path: string, importer: () => Promise<Backend>): Promise<LoadedBackend> {
    const existing = this.loaded.get(name);
    if (existing)
      throw new ReplyError(`backend ${name} is already loaded (from '${existing.path}'); backends cannot be replaced or unloaded`);
    if (this.loading.has(name)) throw new ReplyError(`backend ${name} is being loaded`);
    this.loading.add(name);
    try {
      const backend = await importer();
      const entry = { name, path, backend };
      this.loaded.set(name, entry);
      return entry;
    } finally {
      this.loading.delete(name);
    }
  }

  /** Registers an already imported backend (for in-process use of the engine). */
  async register(backend: Backend, path = '<in-process>'): Promise<LoadedBackend> {
    const problem = validateBackend(backend, backend.name);
    if (problem) throw new ReplyError(`not a modelkv backend: ${problem}`);
    return this.add(backend.name, path, async () => {
      await initBackend(backend, backend.name, path, this.config);
      return backend;
    });
  }

  /** The configuration backends are initialised with. */
  get backendConfig(): BackendConfig {
    return this.config;
  }

  get(name: BackendName): Backend {
    const entry = this.loaded.get(name);
    if (!entry) throw new ReplyError(`backend ${name} is not loaded: load it with AI.CONFIG LOADBACKEND ${name} <path>`);
    return entry.backend;
  }

  list(): LoadedBackend[] {
    return [...this.loaded.values()];
  }
}
