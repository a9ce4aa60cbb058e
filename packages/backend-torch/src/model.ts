import type { ModelHandle, Tensor } from '@modelkv/core';
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

  async run(inputs: readonly Tensor[], outputCount: number): Promise<Tensor[]> {
    // Core tensors already have the { dtype, shape, data } shape the addon reads.
    const outputs = await addon.runModel(this.ref, inputs, outputCount);
    return outputs.map(fromNative);
  }

  release(): void {
    addon.release(this.ref);
  }
}
