import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

/** Whether this onnxruntime-node install can run on NVIDIA GPUs, and how many there are. */
export interface CudaSupport {
  readonly gpus: number;
  /** Why there are no GPU devices; undefined when there are. */
  readonly reason?: string;
}

const PROVIDER_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

/**
 * The CUDA execution provider is listed by every linux/x64 build of onnxruntime-node, but its
 * library is only present when the package's install script fetched it (it is skipped with
 * ONNXRUNTIME_NODE_INSTALL=skip). GPUs are counted from the NVIDIA driver's /proc entries.
 */
export function detectCuda(): CudaSupport {
  const listed = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  if (!listed)
    return {
      gpus: 0,
      reason: `onnxruntime-node ${ort.env.versions.common} for ${process.platform}/${process.arch} has no CUDA execution provider`,
    };
  if (!listed.bundled && !providerLibraryPresent()) {
    return {
      gpus: 0,
      reason:
        'the CUDA execution provider of onnxruntime-node is not installed: reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12',
    };
  }
  const gpus = countNvidiaGpus();
  if (gpus === 0) return { gpus: 0, reason: 'no NVIDIA GPU found: /proc/driver/nvidia/gpus lists none' };
  return { gpus };
}

function providerLibraryPresent(): boolean {
  const library = PROVIDER_LIBRARY[process.platform];
  if (!library) return false;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  const binRoot = join(root, 'bin');
  if (!existsSync(binRoot)) return false;
  return readdirSync(binRoot).some((napi) => existsSync(join(binRoot, napi, process.platform, process.arch, library)));
}

function countNvidiaGpus(): number {
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length;
  } catch {
    return 0;
  }
}
