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
import { SessionPool } from './session-pool.js';
import { sessionSettings } from './session-settings.js';
import { zipMapInputsAsOutputs } from './zipmap-outputs.js';

/**
 * modelkv's ONNX backend: each model is an onnxruntime-node session on a worker thread of its
 * device's pool, which has as many workers as the server runs at once per queue.
 */
export class OnnxBackend implements Backend {
  readonly name = 'ONNX' as const;
  readonly interfaceVersion = BACKEND_INTERFACE_VERSION;
  readonly version: string = ort.env.versions.common;
  private config: BackendConfig = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
  private cuda: CudaSupport | undefined;
  private readonly pools = new Map<string, SessionPool>();

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
    // The policy reads the bytes as the client sent them; the session gets them rewritten.
    if (!this.config.allowUnsafeOps) checkOnnxModel(blob);
    const model = options.nonTensorOutputs === 'tensor' ? zipMapInputsAsOutputs(blob) : blob;
    return OnnxModel.load(this.pool(formatDevice(options.device)), model, sessionSettings(options.device, this.config));
  }

  /** Worker threads of this process (for tests and measurements). */
  get workerCount(): number {
    let n = 0;
    for (const p of this.pools.values()) n += p.workerCount;
    return n;
  }

  private pool(device: string): SessionPool {
    let pool = this.pools.get(device);
    if (!pool) {
      pool = new SessionPool(Math.max(1, this.config.threadsPerQueue ?? 1));
      this.pools.set(device, pool);
    }
    return pool;
  }

  private cudaSupport(): CudaSupport {
    this.cuda ??= detectCuda();
    return this.cuda;
  }
}

export const backend = new OnnxBackend();
