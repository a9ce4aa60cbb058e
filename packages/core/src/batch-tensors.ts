import { dtypeSize } from './dtype.js';
import { ReplyError } from './errors.js';
import { Tensor, elementCount } from './tensor.js';

/** Batches are joins of tensors that were each checked already: no size cap of their own. */
const NO_CAP = Number.MAX_SAFE_INTEGER;

/**
 * The samples of one run's inputs: their shared dimension 0, or 0 when the run cannot be batched
 * (no inputs, a scalar input, or inputs whose first dimensions differ), as the reference decided.
 */
export function batchSamples(inputs: readonly Tensor[]): number {
  if (inputs.length === 0) return 0;
  const n = inputs[0]!.shape[0];
  if (n === undefined) return 0;
  for (const t of inputs) if (t.shape.length === 0 || t.shape[0] !== n) return 0;
  return n;
}

/** Whether two runs' inputs can be joined: as many, the same dtypes and the same dimensions but the first. */
export function batchable(a: readonly Tensor[], b: readonly Tensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.dtype !== y.dtype || x.shape.length !== y.shape.length) return false;
    for (let d = 1; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
  }
  return true;
}

/** Joins batchable runs' inputs along dimension 0: input i of the batch is every run's input i in turn. */
export function concatInputs(runs: readonly (readonly Tensor[])[]): Tensor[] {
  const first = runs[0]!;
  if (runs.length === 1) return [...first];
  return first.map((t, i) => {
    const parts = runs.map((inputs) => inputs[i]!);
    const rows = parts.reduce((sum, p) => sum + p.shape[0]!, 0);
    return Tensor.fromBlob(t.dtype, [rows, ...t.shape.slice(1)], Buffer.concat(parts.map((p) => p.data)), NO_CAP);
  });
}

/**
 * Splits a batch's outputs back into each run's share of rows, `samples[j]` for run j. An output
 * that is not a tensor is none for every run; one whose first dimension is not the batch's is an
 * error, since its rows cannot be told apart.
 */
export function splitOutputs(outputs: readonly (Tensor | null)[], samples: readonly number[]): (Tensor | null)[][] {
  const total = samples.reduce((a, b) => a + b, 0);
  const shares: (Tensor | null)[][] = samples.map(() => []);
  outputs.forEach((out, i) => {
    if (out === null) {
      for (const s of shares) s.push(null);
      return;
    }
    if (out.shape[0] !== total) {
      throw new ReplyError(`batched run: output ${i} has ${out.shape[0] ?? 'no'} rows for a batch of ${total} samples`);
    }
    const pieces = splitRows(out, samples);
    pieces.forEach((p, j) => shares[j]!.push(p));
  });
  return shares;
}

function splitRows(t: Tensor, samples: readonly number[]): Tensor[] {
  const rest = t.shape.slice(1);
  const perRow = elementCount(rest);
  const out: Tensor[] = [];
  let at = 0;
  if (t.dtype === 'STRING') {
    for (const n of samples) {
      let end = at;
      for (let e = 0; e < n * perRow; e++) end = t.data.indexOf(0, end) + 1;
      out.push(Tensor.fromBlob(t.dtype, [n, ...rest], t.data.subarray(at, end), NO_CAP));
      at = end;
    }
    return out;
  }
  const rowBytes = perRow * dtypeSize(t.dtype);
  for (const n of samples) {
    out.push(Tensor.fromBlob(t.dtype, [n, ...rest], t.data.subarray(at, at + n * rowBytes), NO_CAP));
    at += n * rowBytes;
  }
  return out;
}
