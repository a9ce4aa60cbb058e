import { createRequire } from 'node:module';
import type { DType } from '@modelkv/core';

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

export interface NativeModel {
  describe(): { inputs: NativeEndpoint[]; outputs: NativeEndpoint[] };
  /** Runs the session on a libuv worker thread; inputs are copied once, outputs are not. */
  run(inputs: readonly NativeTensor[]): Promise<NativeTensor[]>;
  /** Drops this handle's hold on the session; runs in flight keep theirs until they finish. */
  release(): void;
}

export interface NativeDevice {
  /** e.g. `/job:localhost/replica:0/task:0/device:GPU:0` */
  readonly name: string;
  /** `CPU`, `GPU`, ... */
  readonly type: string;
}

export interface NativeAddon {
  /** libtensorflow's TF_Version(). */
  version(): string;
  /** The devices a session sees, with the given serialized ConfigProto. */
  listDevices(config: Buffer): NativeDevice[];
  /** Imports a GraphDef and opens a session over it, off the JS thread. */
  load(graphDef: Buffer, inputs: readonly string[], outputs: readonly string[], device: string, config: Buffer): Promise<NativeModel>;
}

const ADDON_PATH = '../../build/Release/modelkv_tf.node';

/**
 * Loads the addon (and with it libtensorflow). TensorFlow's C++ logging is lowered to warnings
 * and errors unless TF_CPP_MIN_LOG_LEVEL says otherwise.
 */
export function loadAddon(): NativeAddon {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const require = createRequire(import.meta.url);
  try {
    return require(ADDON_PATH) as NativeAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `the TF backend's native addon could not be loaded (${reason}). It is built against the libtensorflow that ` +
        '@tensorflow/tfjs-node-gpu installs: reinstall the package, or offline run packages/backend-tf/scripts/provision.sh and build again',
    );
  }
}
