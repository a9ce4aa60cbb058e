import {
  ReplyError,
  BACKEND_INTERFACE_VERSION,
  type Backend,
  type BackendConfig,
  type ModelHandle,
  type ModelOptions,
  formatDevice,
} from '@modelkv/core';
import type { NativeAddon } from './addon.js';
import { encodeConfigProto } from './config-proto.js';
import { modelkvDevices, placement } from './devices.js';
import { TfModel } from './model.js';
import { checkGraphDef } from './op-policy.js';

const DEFAULT_CONFIG: BackendConfig = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };

/** The TF backend: frozen GraphDefs run by libtensorflow's C API through the native addon. */
export class TfBackend implements Backend {
  readonly name = 'TF' as const;
  readonly interfaceVersion = BACKEND_INTERFACE_VERSION;
  readonly version: string;
  private readonly addon: NativeAddon;
  private current: SessionState | undefined;

  constructor(addon: NativeAddon) {
    this.addon = addon;
    this.version = addon.version();
  }

  init(config: BackendConfig): void {
    this.configure(config);
  }

  devices(): readonly string[] {
    return this.state().available;
  }

  get unavailableReason(): string | undefined {
    if (this.state().available.some((d) => d.startsWith('GPU'))) return undefined;
    return `libtensorflow ${this.version} sees no GPU: it is a CPU-only build, or no CUDA device and driver are present`;
  }

  async loadModel(blob: Buffer, options: ModelOptions): Promise<ModelHandle> {
    if (options.inputs.length === 0) throw new ReplyError('TF models need INPUTS: the graph node names to feed the input tensors to');
    if (options.outputs.length === 0) throw new ReplyError('TF models need OUTPUTS: the graph node names to fetch the outputs from');
    const { available, config, allowUnsafeOps } = this.state();
    const device = formatDevice(options.device);
    if (!available.includes(device)) {
      throw new ReplyError(
        `device ${device} is not available to backend TF (${this.unavailableReason ?? `available: ${available.join(', ')}`})`,
      );
    }
    if (!allowUnsafeOps) checkGraphDef(blob);
    const ref = await this.addon.load(blob, options.inputs, options.outputs, placement(options.device), config);
    return new TfModel(this.addon, ref);
  }

  private configure(settings: BackendConfig): SessionState {
    const config = encodeConfigProto({
      intraOpThreads: settings.intraOpThreads,
      interOpThreads: settings.interOpThreads,
      gpuAllowGrowth: true,
      allowSoftPlacement: true,
    });
    this.current = {
      config,
      available: Object.freeze(modelkvDevices(this.addon.listDevices(config))),
      allowUnsafeOps: settings.allowUnsafeOps,
    };
    return this.current;
  }

  /** Used without `init` (in-process), the backend configures itself with TF's defaults. */
  private state(): SessionState {
    return this.current ?? this.configure(DEFAULT_CONFIG);
  }
}

interface SessionState {
  /** Serialized ConfigProto every session is created with. */
  readonly config: Buffer;
  /** modelkv device names libtensorflow sees with that config. */
  readonly available: readonly string[];
  /** The safe-op policy (src/op-policy.ts) applies unless this is true. */
  readonly allowUnsafeOps: boolean;
}
