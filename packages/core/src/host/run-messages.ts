import type { DType } from '../dtype.js';
import { RunDropped } from '../run-queue.js';
import { Tensor } from '../tensor.js';
import { decodeFailure } from './failure.js';
import type { Frame } from './frames.js';
import { HeadReader, HeadWriter, ProtocolError } from './head.js';
import type { HostedCall, TimedOutputs } from './hosted-handles.js';
import { Msg, type TensorFields, readTensorMeta, writeTensorMeta } from './protocol.js';

/** Inputs of one run: each travels as a section of a frame, which holds at most 65535. */
export const MAX_RUN_INPUTS = 0xffff;

/**
 * The head of a Run frame: the handle, the time limit (0: none), the output count, the function
 * ('' for a model), whether it is an entry point (then its keys and args), and each input's
 * dtype and shape; the inputs' bytes are its sections.
 */
export function encodeRun(handle: number, timeoutMs: number, outputCount: number, call: HostedCall, inputs: readonly Tensor[]): Buffer {
  const limit = Math.min(0xffffffff, Math.max(0, Math.ceil(timeoutMs)));
  const w = new HeadWriter(64 + inputs.length * 40).u32(handle).u32(limit).u32(outputCount).str(call.fn);
  if (call.entryPoint) w.u8(1).json({ keys: call.entryPoint.keys, args: call.entryPoint.args });
  else w.u8(0);
  w.u16(inputs.length);
  for (const t of inputs) writeTensorMeta(w, t);
  return w.done();
}

/** A Run frame's head as the backend process reads it. */
export interface RunRequest {
  readonly handle: number;
  readonly timeoutMs: number;
  readonly outputCount: number;
  readonly fn: string;
  readonly entryPoint?: { readonly keys: readonly string[]; readonly args: readonly string[] };
  readonly inputs: readonly { readonly dtype: DType; readonly shape: number[] }[];
}

export function decodeRun(f: Frame): RunRequest {
  const r = new HeadReader(f.head);
  const handle = r.u32('handle');
  const timeoutMs = r.u32('timeout');
  const outputCount = r.u32('output count');
  const fn = r.str('function');
  const entryPoint = r.u8('entry point flag') === 1 ? entryPointArgs(r.json('entry point')) : undefined;
  const count = r.u16('input count');
  if (count !== f.sections.length) throw new ProtocolError('input count does not match the sections');
  const inputs = new Array<{ dtype: DType; shape: number[] }>(count);
  for (let i = 0; i < count; i++) inputs[i] = readTensorMeta(r);
  r.end();
  return { handle, timeoutMs, outputCount, fn, ...(entryPoint ? { entryPoint } : {}), inputs };
}

function entryPointArgs(v: unknown): { keys: string[]; args: string[] } {
  const o = (typeof v === 'object' && v !== null ? v : {}) as { keys?: unknown; args?: unknown };
  const list = (x: unknown): string[] => {
    if (!Array.isArray(x)) throw new ProtocolError('invalid entry point arguments');
    return x.map((s: unknown) => {
      if (typeof s !== 'string') throw new ProtocolError('invalid entry point arguments');
      return s;
    });
  };
  return { keys: list(o.keys), args: list(o.args) };
}

/**
 * A Result frame: the run's duration and, for each output, whether it is a tensor and then its
 * dtype and shape; the tensors' bytes are the sections (none for an output that is not a tensor).
 */
export function encodeResult(durationUs: number, outputs: readonly (TensorFields | null)[]): { head: Buffer; sections: Uint8Array[] } {
  const w = new HeadWriter(32 + outputs.length * 32).f64(durationUs).u16(outputs.length);
  const sections: Uint8Array[] = [];
  for (const t of outputs) {
    if (!t) {
      w.u8(0);
      continue;
    }
    w.u8(1);
    writeTensorMeta(w, t);
    sections.push(t.data);
  }
  return { head: w.done(), sections };
}

/**
 * The outcome of a run from its reply frame: the outputs (checked like any tensor, against
 * `maxTensorBytes`), or the backend's failure thrown, or RunDropped. A malformed reply throws
 * ProtocolError.
 */
export function decodeRunReply(f: Frame, maxTensorBytes: number): TimedOutputs {
  switch (f.type) {
    case Msg.Result: {
      const r = new HeadReader(f.head);
      const durationUs = r.f64('duration');
      const count = r.u16('output count');
      const metas = new Array<{ dtype: DType; shape: number[] } | null>(count);
      let tensors = 0;
      for (let i = 0; i < count; i++) {
        const m = r.u8('output kind') === 1 ? readTensorMeta(r) : null;
        if (m) tensors++;
        metas[i] = m;
      }
      r.end();
      if (tensors !== f.sections.length) throw new ProtocolError('output count does not match the sections');
      const outputs = new Array<Tensor | null>(count);
      for (let i = 0, section = 0; i < count; i++) {
        const m = metas[i];
        outputs[i] = m ? Tensor.fromBlob(m.dtype, m.shape, f.sections[section++]!, maxTensorBytes) : null;
      }
      return { outputs, durationUs: Number.isFinite(durationUs) && durationUs >= 0 ? durationUs : 0 };
    }
    case Msg.Failed:
      throw decodeFailure(f.head);
    case Msg.Dropped:
      throw new RunDropped();
    default:
      throw new ProtocolError(`unexpected reply type ${f.type} to a run`);
  }
}
