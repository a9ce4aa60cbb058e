import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { NativePoolStats } from '@modelkv/core';
import type { FunctionSignature } from './entry-points.js';

/** A tensor as the addon takes and returns it. */
export interface NativeTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Buffer;
}

/** An operator (or libtorch custom class) that TorchScript code uses, and where it was found. */
export interface OpUse {
  readonly op: string;
  readonly function: string;
}

declare const nativeHandle: unique symbol;
/** An opaque handle to a loaded model or a compiled script, owned by the addon. */
export interface NativeHandle {
  readonly [nativeHandle]: 'model' | 'script';
}
export type ModelRef = NativeHandle & { readonly [nativeHandle]: 'model' };
export type ScriptRef = NativeHandle & { readonly [nativeHandle]: 'script' };

/** What libtorch has registered, for reviewing the safe-op policy (scripts/torch-ops.mjs). */
export interface TorchRegistry {
  /** Every operator's schema, e.g. `aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`. */
  readonly operators: readonly string[];
  /** The prim:: node kinds of TorchScript's IR. */
  readonly nodeKinds: readonly string[];
  /** The schemas of libtorch's custom classes' methods. */
  readonly customClassMethods: readonly string[];
}

/** The functions the modelkv_torch addon exports (see native/addon.cc). */
export interface TorchAddon {
  readonly version: string;
  readonly cudaDeviceCount: number;
  /** Empty when GPU devices are usable. */
  readonly gpuUnavailableReason: string;
  /** Compiles a model archive's code without running any of it, and lists the operators it uses. */
  inspectModel(blob: Buffer): Promise<OpUse[]>;
  /** `device`: -1 for the CPU, n for CUDA device n. */
  loadModel(blob: Buffer, device: number): Promise<ModelRef>;
  modelInputNames(model: ModelRef): string[] | null;
  /** With `timeoutMs` > 0 the run ends at its next loop iteration past it (`the run timed out after N ms`). */
  runModel(model: ModelRef, inputs: readonly NativeTensor[], outputCount: number, timeoutMs?: number): Promise<NativeTensor[]>;
  /** With `inspect`, also lists the operators the script uses. */
  compileScript(source: string, device: number, inspect: boolean): Promise<{ script: ScriptRef; ops: OpUse[] | null }>;
  /** The script's functions with their arguments' TorchScript types (`List[Tensor]`, `str`, ...). */
  scriptFunctions(script: ScriptRef): FunctionSignature[];
  runScript(
    script: ScriptRef,
    fn: string,
    inputs: readonly NativeTensor[],
    outputCount: number,
    timeoutMs?: number,
  ): Promise<NativeTensor[]>;
  /** Calls an entry point: `fn(tensors: List[Tensor], keys: List[str], args: List[str])`. */
  runEntryPoint(
    script: ScriptRef,
    fn: string,
    inputs: readonly NativeTensor[],
    keys: readonly string[],
    args: readonly string[],
    outputCount: number,
    timeoutMs?: number,
  ): Promise<NativeTensor[]>;
  release(handle: NativeHandle): void;
  setThreads(intraOp: number, interOp: number): void;
  /** Pool threads running a job now (a script that never returns keeps one busy for good). */
  busyThreads(): number;
  poolStats(): NativePoolStats;
  registry(): TorchRegistry;
}

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Loads the addon the way node-gyp-build finds it: prebuilds/<platform>-<arch>/, else build/Release/. */
function loadAddon(): TorchAddon {
  const require = createRequire(import.meta.url);
  const load = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return load(PACKAGE_DIR) as TorchAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `the TORCH backend's native addon could not be loaded (${reason}). It is built against libtorch at install: ` +
        'install libtorch (apt-get install libtorch-dev, or set LIBTORCH to a libtorch folder) and rebuild the package ' +
        '(npm rebuild @modelkv/backend-torch)',
    );
  }
}

export const addon: TorchAddon = loadAddon();
