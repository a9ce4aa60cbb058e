import type { ScriptHandle, Tensor } from '@modelkv/core';
import { type ScriptRef, addon } from './addon.js';
import { fromNative } from './tensors.js';

/** Compiled TorchScript source; `run` calls one of its functions on a pool thread. */
export class TorchScript implements ScriptHandle {
  readonly functionNames: readonly string[];

  constructor(private readonly ref: ScriptRef) {
    this.functionNames = addon.scriptFunctionNames(ref);
  }

  async run(fn: string, inputs: readonly Tensor[], outputCount: number): Promise<Tensor[]> {
    const outputs = await addon.runScript(this.ref, fn, inputs, outputCount);
    return outputs.map(fromNative);
  }

  release(): void {
    addon.release(this.ref);
  }
}
