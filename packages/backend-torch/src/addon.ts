import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A tensor as the addon takes and returns it. */
export interface NativeTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Buffer;
}

declare const nativeHandle: unique symbol;
/** An opaque handle to a loaded model or a compiled script, owned by the addon. */
export interface NativeHandle {
  readonly [nativeHandle]: 'model' | 'script';
}
export type ModelRef = NativeHandle & { readonly [nativeHandle]: 'model' };
export type ScriptRef = NativeHandle & { readonly [nativeHandle]: 'script' };

/** The functions build/Release/modelkv_torch.node exports (see src/addon.cc). */
export interface TorchAddon {
  readonly version: string;
  readonly cudaDeviceCount: number;
  /** Empty when GPU devices are usable. */
  readonly gpuUnavailableReason: string;
  /** `device`: -1 for the CPU, n for CUDA device n. */
  loadModel(blob: Buffer, device: number): Promise<ModelRef>;
  modelInputNames(model: ModelRef): string[] | null;
  runModel(model: ModelRef, inputs: readonly NativeTensor[], outputCount: number): Promise<NativeTensor[]>;
  compileScript(source: string, device: number): Promise<ScriptRef>;
  scriptFunctionNames(script: ScriptRef): string[];
  runScript(script: ScriptRef, fn: string, inputs: readonly NativeTensor[], outputCount: number): Promise<NativeTensor[]>;
  release(handle: NativeHandle): void;
  setThreads(intraOp: number, interOp: number): void;
  /** Pool threads running a job now (a script that never returns keeps one busy for good). */
  busyThreads(): number;
  /** Ends the process with `code` at once, skipping static destructors. */
  exitNow(code: number): never;
}

const ADDON_PATH = fileURLToPath(new URL('../../build/Release/modelkv_torch.node', import.meta.url));

function loadAddon(): TorchAddon {
  if (!existsSync(ADDON_PATH)) {
    throw new Error(
      `the TORCH backend's native addon is not built (${ADDON_PATH}): install libtorch (apt-get install libtorch-dev, ` +
        'or set LIBTORCH to a libtorch folder) and run "node scripts/build-addon.js" in the package',
    );
  }
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as TorchAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`the TORCH backend's native addon could not be loaded (is libtorch still installed?): ${reason}`);
  }
}

export const addon: TorchAddon = loadAddon();

/**
 * A run that never returns (a script looping forever) is still executing libtorch code when the
 * process exits, and libtorch's static destructors running under it can crash the process on its
 * way out. So when `process.exit` finds a pool thread busy, the process ends right after the
 * 'exit' listeners have run, without those destructors. `process.reallyExit` is the step of
 * `process.exit` that follows the 'exit' event.
 */
function exitSafelyWithBusyWorkers(): void {
  const proc = process as unknown as { reallyExit: (code?: number) => never; __modelkvTorchExit?: true };
  if (proc.__modelkvTorchExit) return;
  proc.__modelkvTorchExit = true;
  const reallyExit = proc.reallyExit;
  proc.reallyExit = (code?: number): never => {
    if (addon.busyThreads() > 0) addon.exitNow(typeof code === 'number' ? code : 0);
    return reallyExit.call(process, code);
  };
}

exitSafelyWithBusyWorkers();
