import ort from 'onnxruntime-node';
import {
  ReplyError,
  BACKEND_INTERFACE_VERSION,
  formatDevice,
  type Backend,
  type BackendConfig,
  type ModelHandle,
  type ModelOptions,
} from '@modelkv/core';
import { detectCuda, type CudaSupport } from './cuda.js';
import { checkOnnxModel } from './model-policy.js';
import { OnnxModel } from './onnx-model.js';
import { sessionSettings } from './session-settings.js';

/** modelkv's ONNX backend: each model is an onnxruntime-node session in its own worker thread. */
class OnnxBackend implements Backend {
  readonly name = 'ONNX' as const;
  readonly interfaceVersion = BACKEND_INTERFACE_VERSION;
  readonly version: string = ort.env.versions.common;
  private config: BackendConfig = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
  private cuda: CudaSupport | undefined;

  init(config: BackendConfig): void {
    this.config = config;
  }

  devices(): readonly string[] {
    const { gpus } = this.cudaSupport();
    return ['CPU', ...Array.from({ length: gpus }, (_, i) => `GPU:${i}`)];
  }

  get unavailableReason(): string | undefined {
    return this.cudaSupport().reason;
  }

  async loadModel(blob: Buffer, options: ModelOptions): Promise<ModelHandle> {
    if (!(blob instanceof Uint8Array) || blob.byteLength === 0) throw new ReplyError('model blob is empty');
    if (!this.devices().includes(formatDevice(options.device))) {
      throw new ReplyError(
        `device ${formatDevice(options.device)} is not available to backend ONNX: ${this.unavailableReason ?? 'unknown device'}`,
      );
    }
    if (!this.config.allowUnsafeOps) checkOnnxModel(blob);
    return OnnxModel.load(blob, sessionSettings(options.device, this.config));
  }

  private cudaSupport(): CudaSupport {
    this.cuda ??= detectCuda();
    return this.cuda;
  }
}

export const backend: Backend = new OnnxBackend();
