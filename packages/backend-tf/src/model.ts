import { ReplyError, type ModelHandle, type RunOptions, Tensor, addonTimeoutMs } from '@modelkv/core';
import type { ModelRef, NativeAddon } from './addon.js';

/** A loaded GraphDef: inputs bound to INPUTS in order, outputs fetched from OUTPUTS. */
export class TfModel implements ModelHandle {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private ref: ModelRef | undefined;

  constructor(
    private readonly addon: NativeAddon,
    ref: ModelRef,
  ) {
    this.ref = ref;
    const { inputs, outputs } = addon.describe(ref);
    this.inputNames = Object.freeze(inputs.map((e) => e.name));
    this.outputNames = Object.freeze(outputs.map((e) => e.name));
  }

  /** `options.timeoutMs` bounds the run: TensorFlow cancels it past that (RunOptions timeout_in_ms). */
  async run(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    const ref = this.ref;
    if (!ref) throw new ReplyError('the TF model was released');
    if (inputs.length !== this.inputNames.length) {
      throw new ReplyError(`TF model expects ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    if (outputCount !== this.outputNames.length) {
      throw new ReplyError(
        `TF model has ${this.outputNames.length} outputs (${this.outputNames.join(', ')}), got ${outputCount} OUTPUTS keys`,
      );
    }
    const native = inputs.map((t) => ({ dtype: t.dtype, shape: t.shape, data: t.data }));
    const outputs = await this.addon.run(ref, native, addonTimeoutMs(options));
    return outputs.map((o) => Tensor.fromBlob(o.dtype, o.shape, o.data));
  }

  release(): void {
    if (this.ref) this.addon.release(this.ref);
    this.ref = undefined;
  }
}
