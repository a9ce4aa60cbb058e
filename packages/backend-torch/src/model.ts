import { type ModelHandle, type RunOptions, type Tensor, addonTimeoutMs } from '@modelkv/core';
import { type ModelRef, addon } from './addon.js';
import { fromNative } from './tensors.js';

/** A TorchScript module loaded in libtorch; `run` calls its forward on a pool thread. */
export class TorchModel implements ModelHandle {
  readonly inputNames?: readonly string[];

  constructor(private readonly ref: ModelRef) {
    // Unknown when forward has arguments with defaults: libtorch then checks the count.
    const names = addon.modelInputNames(ref);
    if (names) this.inputNames = names;
  }

  /** `options.timeoutMs` bounds the run: it ends at its next loop iteration past that (see native/deadline.h). */
  async run(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    // Core tensors already have the { dtype, shape, data } shape the addon reads.
    const outputs = await addon.runModel(this.ref, inputs, outputCount, addonTimeoutMs(options));
    return outputs.map(fromNative);
  }

  release(): void {
    addon.release(this.ref);
  }
}
