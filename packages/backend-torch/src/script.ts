import { type EntryPointCall, type RunOptions, type ScriptHandle, type Tensor, addonTimeoutMs } from '@modelkv/core';
import { type ScriptRef, addon } from './addon.js';
import { fromNative } from './tensors.js';

/** Compiled TorchScript source; `run` calls one of its functions on a pool thread. */
export class TorchScript implements ScriptHandle {
  readonly functionNames: readonly string[];

  constructor(private readonly ref: ScriptRef) {
    this.functionNames = addon.scriptFunctions(ref).map((fn) => fn.name);
  }

  /** `options.timeoutMs` bounds the run: it ends at its next loop iteration past that (see native/deadline.h). */
  async run(fn: string, inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    const outputs = await addon.runScript(this.ref, fn, inputs, outputCount, addonTimeoutMs(options));
    return outputs.map(fromNative);
  }

  /** An entry point of AI.SCRIPTSTORE, called as RedisAI 1.2 calls it: `fn(tensors, keys, args)`. */
  async runEntryPoint(fn: string, call: EntryPointCall, outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    const outputs = await addon.runEntryPoint(this.ref, fn, call.tensors, call.keys, call.args, outputCount, addonTimeoutMs(options));
    return outputs.map(fromNative);
  }

  release(): void {
    addon.release(this.ref);
  }
}
