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
import { TorchModel } from './model.js';
import { TorchScript } from './script.js';

/** The addon's device argument: -1 for the CPU, n for CUDA device n. */
function deviceIndex(device: Device): number {
  return device.kind === 'CPU' ? -1 : device.index;
}

let interOpApplied = 0;

/** libtorch's thread pools are process-wide; the inter-op pool can be sized only once. */
function init(config: BackendConfig): void {
  if (config.interOpThreads > 0 && interOpApplied > 0 && config.interOpThreads !== interOpApplied) {
    throw new Error(`libtorch's inter-op thread count is already set to ${interOpApplied} in this process and cannot change`);
  }
  const interOp = config.interOpThreads === interOpApplied ? 0 : config.interOpThreads;
  addon.setThreads(config.intraOpThreads, interOp);
  if (interOp > 0) interOpApplied = interOp;
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
    return new TorchModel(await addon.loadModel(blob, deviceIndex(options.device)));
  },

  async compileScript(source: string, options: ScriptOptions): Promise<ScriptHandle> {
    const { script } = await addon.compileScript(source, deviceIndex(options.device), false);
    return new TorchScript(script);
  },
};
