import type { BackendConfig, Device } from '@modelkv/core';
import type { SessionSettings } from './wire.js';

/** onnxruntime session options for a model placed on `device`, under the server's thread settings. */
export function sessionSettings(device: Device, config: BackendConfig): SessionSettings {
  const { intraOpThreads, interOpThreads, intraOpSpinning } = config;
  return {
    executionProviders: device.kind === 'GPU' ? [{ name: 'cuda', deviceId: device.index }] : ['cpu'],
    // Absent: onnxruntime's default, which spins.
    ...(intraOpSpinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: intraOpSpinning ? '1' : '0' } } } }),
    ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
    // Inter-op threads only take effect when independent nodes may run in parallel.
    ...(interOpThreads > 0 ? { interOpNumThreads: interOpThreads, executionMode: 'parallel' as const } : {}),
  };
}
