import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DType, NativePoolStats } from '@modelkv/core';

/** A tensor as the addon takes and returns it: modelkv's dtype word, shape and bytes. */
export interface NativeTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Buffer;
}

export interface NativeEndpoint {
  readonly name: string;
  readonly dtype: DType;
}

declare const nativeModel: unique symbol;
/** An opaque handle to a loaded graph and its session, owned by the addon. */
export interface ModelRef {
  readonly [nativeModel]: true;
}

export interface NativeDevice {
  /** e.g. `/job:localhost/replica:0/task:0/device:GPU:0` */
  readonly name: string;
  /** `CPU`, `GPU`, ... */
  readonly type: string;
}

/** The functions the modelkv_tf addon exports (see native/addon.cc). */
export interface NativeAddon {
  /** The libtensorflow version whose headers the addon was built with. */
  readonly builtVersion: string;
  /** libtensorflow's TF_Version(): the library loaded now. */
  version(): string;
  /** The devices a session sees, with the given serialized ConfigProto. */
  listDevices(config: Buffer): NativeDevice[];
  /** Imports a GraphDef and opens a session over it, on a pool thread. */
  load(graphDef: Buffer, inputs: readonly string[], outputs: readonly string[], device: string, config: Buffer): Promise<ModelRef>;
  describe(model: ModelRef): { inputs: NativeEndpoint[]; outputs: NativeEndpoint[] };
  /**
   * Runs the session on a pool thread; inputs are copied once, numeric outputs are not. With
   * `timeoutMs` > 0 TensorFlow cancels the run past it (`the run timed out after N ms`).
   */
  run(model: ModelRef, inputs: readonly NativeTensor[], timeoutMs?: number): Promise<NativeTensor[]>;
  /** Drops the handle's hold on the session; runs in flight keep theirs until they finish. */
  release(model: ModelRef): void;
  /** The serialized OpList of every op the library registers (TF_GetAllOpList). */
  registeredOps(): Buffer;
  /** The addon's job pool (modelkv/pool.h). */
  poolStats(): NativePoolStats;
}

interface Finder {
  findLibtensorflow(): { found?: { source: string; version: string }; misses: { source: string; missing: string }[] };
  describeMisses(misses: readonly { source: string; missing: string }[]): string;
}

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const FINDER = new URL('../../scripts/find-libtensorflow.mjs', import.meta.url).href;

/**
 * Loads the addon the way node-gyp-build finds it (prebuilds/<platform>-<arch>/, else
 * build/Release/) and with it libtensorflow, then checks that the library is the version the
 * addon was built for. TensorFlow's C++ logging is lowered to warnings and errors unless
 * TF_CPP_MIN_LOG_LEVEL says otherwise.
 */
export async function loadAddon(): Promise<NativeAddon> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const require = createRequire(import.meta.url);
  const load = require('node-gyp-build') as (dir: string) => unknown;
  let addon: NativeAddon;
  try {
    addon = load(PACKAGE_DIR) as NativeAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`the TF backend's native addon could not be loaded (${reason}). ${await libtensorflowSearch()}`);
  }
  const mismatch = versionMismatch(addon.builtVersion, addon.version());
  if (mismatch) throw new Error(`${mismatch}. ${await libtensorflowSearch()}`);
  return addon;
}

/**
 * Why the libtensorflow loaded now (`loaded`, its TF_Version()) cannot serve an addon built
 * against the headers of `built`, or undefined when it can: the C API's structures are laid out
 * per release, so major and minor must match.
 */
export function versionMismatch(built: string, loaded: string): string | undefined {
  const majorMinor = (v: string): string => /^(\d+)\.(\d+)/.exec(v)?.slice(1, 3).join('.') ?? v;
  if (majorMinor(built) === majorMinor(loaded)) return undefined;
  return `libtensorflow ${loaded} is loaded, but the TF backend's addon was built for libtensorflow ${built}: rebuild the package against the library it runs with (npm rebuild @modelkv/backend-tf)`;
}

/** What the build's libtensorflow search finds now, for messages. */
async function libtensorflowSearch(): Promise<string> {
  try {
    const finder = (await import(FINDER)) as Finder;
    const { found, misses } = finder.findLibtensorflow();
    if (found)
      return `libtensorflow ${found.version} is at ${found.source}; rebuild the package against it (npm rebuild @modelkv/backend-tf)`;
    return `libtensorflow was not found (${finder.describeMisses(misses)}): install @tensorflow/tfjs-node-gpu with its install script, set MODELKV_LIBTENSORFLOW to a folder with lib/ and include/, or install TensorFlow for Python; then rebuild`;
  } catch (err) {
    return `(the libtensorflow search failed: ${err instanceof Error ? err.message : String(err)})`;
  }
}
