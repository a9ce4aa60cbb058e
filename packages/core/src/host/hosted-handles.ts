import type { EntryPointCall, ModelHandle, RunOptions, ScriptHandle } from '../backend.js';
import { ReplyError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { LoadedMessage } from './protocol.js';

/** A model or script as its backend process must be given it again after a restart. */
export interface HandleRecord {
  readonly id: number;
  readonly kind: 'model' | 'script';
  /** `CPU`, `GPU:0`, ... */
  readonly device: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** A model's ModelOptions.nonTensorOutputs. */
  readonly nonTensorOutputs?: 'skip' | 'tensor';
  /** A script's ScriptOptions.entryPoints. */
  readonly entryPoints?: readonly string[];
  /** The model blob or the script's source (the stored bytes, not a copy). */
  readonly payload: Buffer;
  /** Why it cannot run any more (it could not be loaded again after a restart). */
  broken?: string;
}

/** Outputs with the time the backend process measured for the run; `null` for a model's output that is not a tensor. */
export interface TimedOutputs {
  readonly outputs: (Tensor | null)[];
  readonly durationUs: number;
}

/** What a run calls: a model (`fn` ''), a script's function, or an entry point with its keys and args. */
export interface HostedCall {
  readonly fn: string;
  readonly entryPoint?: { readonly keys: readonly string[]; readonly args: readonly string[] };
}

/** What the handles need of their backend. */
export interface HandleOwner {
  runHosted(
    record: HandleRecord,
    call: HostedCall,
    inputs: readonly Tensor[],
    outputCount: number,
    options?: RunOptions,
  ): Promise<TimedOutputs>;
  releaseHosted(record: HandleRecord): void;
}

export class HostedModel implements ModelHandle {
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];

  constructor(
    private readonly owner: HandleOwner,
    readonly record: HandleRecord,
    loaded: LoadedMessage,
  ) {
    if (loaded.inputNames) this.inputNames = loaded.inputNames;
    if (loaded.outputNames) this.outputNames = loaded.outputNames;
  }

  async run(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<(Tensor | null)[]> {
    return (await this.runTimed(inputs, outputCount, options)).outputs;
  }

  runTimed(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<TimedOutputs> {
    return this.owner.runHosted(this.record, { fn: '' }, inputs, outputCount, options);
  }

  release(): void {
    this.owner.releaseHosted(this.record);
  }
}

export class HostedScript implements ScriptHandle {
  readonly functionNames?: readonly string[];

  constructor(
    private readonly owner: HandleOwner,
    readonly record: HandleRecord,
    loaded: LoadedMessage,
  ) {
    if (loaded.functionNames) this.functionNames = loaded.functionNames;
  }

  async run(fn: string, inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    return tensorsOnly((await this.runTimed({ fn }, inputs, outputCount, options)).outputs);
  }

  async runEntryPoint(fn: string, call: EntryPointCall, outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    const entryPoint = { keys: call.keys, args: call.args };
    return tensorsOnly((await this.runTimed({ fn, entryPoint }, call.tensors, outputCount, options)).outputs);
  }

  runTimed(call: HostedCall, inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<TimedOutputs> {
    return this.owner.runHosted(this.record, call, inputs, outputCount, options);
  }

  release(): void {
    this.owner.releaseHosted(this.record);
  }
}

/** A script's outputs, every one a tensor. */
export function tensorsOnly(outputs: readonly (Tensor | null)[]): Tensor[] {
  return outputs.map((t) => {
    if (!t) throw new ReplyError('the script returned an output that is not a tensor');
    return t;
  });
}
