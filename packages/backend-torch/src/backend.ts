import {
  BACKEND_INTERFACE_VERSION,
  type Backend,
  type BackendConfig,
  type Device,
  type ModelHandle,
  type ModelOptions,
  type ScriptHandle,
  type ScriptOptions,
} from '@modelkv/core';
import { addon } from './addon.js';
import { archiveSources } from './archive-sources.js';
import { checkEntryPoints } from './entry-points.js';
import { TorchModel } from './model.js';
import { checkOps } from './op-policy.js';
import { TorchScript } from './script.js';
import { checkScriptNesting } from './script-nesting.js';

/** The addon's device argument: -1 for the CPU, n for CUDA device n. */
function deviceIndex(device: Device): number {
  return device.kind === 'CPU' ? -1 : device.index;
}

let interOpApplied = 0;
/** The safe-op policy (src/op-policy.ts) applies unless the server allows unsafe ops. */
let allowUnsafeOps = false;

/** libtorch's thread pools are process-wide; the inter-op pool can be sized only once. */
function init(config: BackendConfig): void {
  if (config.interOpThreads > 0 && interOpApplied > 0 && config.interOpThreads !== interOpApplied) {
    throw new Error(`libtorch's inter-op thread count is already set to ${interOpApplied} in this process and cannot change`);
  }
  const interOp = config.interOpThreads === interOpApplied ? 0 : config.interOpThreads;
  addon.setThreads(config.intraOpThreads, interOp);
  if (interOp > 0) interOpApplied = interOp;
  allowUnsafeOps = config.allowUnsafeOps;
}

/** The TORCH backend: TorchScript models (`torch.jit.save` archives) and TorchScript source. */
export const backend: Backend = {
  name: 'TORCH',
  interfaceVersion: BACKEND_INTERFACE_VERSION,
  version: addon.version,
  init,
  devices: () => ['CPU', ...Array.from({ length: addon.cudaDeviceCount }, (_, i) => `GPU:${i}`)],
  ...(addon.gpuUnavailableReason ? { unavailableReason: addon.gpuUnavailableReason } : {}),

  async loadModel(blob: Buffer, options: ModelOptions): Promise<ModelHandle> {
    // The archive's code is checked before libtorch parses it, and (under the policy) compiled
    // and inspected before loading runs any of it.
    for (const source of archiveSources(blob)) checkScriptNesting(source.text, `model code '${source.name}'`);
    if (!allowUnsafeOps) checkOps(await addon.inspectModel(blob));
    return new TorchModel(await addon.loadModel(blob, deviceIndex(options.device)));
  },

  async compileScript(source: string, options: ScriptOptions): Promise<ScriptHandle> {
    checkScriptNesting(source);
    const { script, ops } = await addon.compileScript(source, deviceIndex(options.device), !allowUnsafeOps);
    try {
      if (ops) checkOps(ops);
      checkEntryPoints(addon.scriptFunctions(script), options.entryPoints ?? []);
    } catch (err) {
      addon.release(script);
      throw err;
    }
    return new TorchScript(script);
  },
};
