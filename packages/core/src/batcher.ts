import { batchSamples, batchable, concatInputs, splitOutputs } from './batch-tensors.js';
import { toReplyError } from './errors.js';
import type { BatchingPolicy } from './keyspace.js';
import type { Tensor } from './tensor.js';

/** What a model's batcher needs from the engine. */
export interface BatchRunner {
  /**
   * Queues a ticket on the model's device queue: `ticket` is called when the queue starts it. The
   * promise rejects (with RunTimedOut) if the ticket waited past `timeoutMs` (0: no limit).
   */
  schedule(ticket: () => Promise<void>, timeoutMs: number): Promise<void>;
  /** Throws when a run's input or output count does not fit the model. */
  check(inputs: readonly Tensor[], outputCount: number): void;
  /** Runs the model once. */
  run(inputs: readonly Tensor[], outputCount: number): Promise<(Tensor | null)[]>;
  /** Counts one run request in the model's statistics. */
  record(durationUs: number, samples: number, failed: boolean): void;
}

interface Pending {
  readonly inputs: readonly Tensor[];
  readonly outputCount: number;
  /** Its inputs' shared first dimension; 0 if it cannot join a batch. */
  readonly samples: number;
  /** When it was submitted (performance.now()). */
  readonly since: number;
  resolve(outputs: (Tensor | null)[]): void;
  reject(err: Error): void;
}

/**
 * Automatic batching of one model's runs (BATCHSIZE, MINBATCHSIZE, MINBATCHTIMEOUT), as RedisAI
 * does it: when the queue gets to a run, the oldest waiting run takes with it the later ones it
 * can be joined with (same dtypes and dimensions but the first), up to BATCHSIZE samples in all;
 * the joined inputs run once and each run gets its rows of the outputs. A run that cannot be
 * joined (its inputs' first dimensions differ, or it has BATCHSIZE samples already) runs alone.
 * With MINBATCHSIZE, runs wait until that many samples are there, or MINBATCHTIMEOUT has passed
 * since the oldest arrived; runs that can go meanwhile go first.
 *
 * Each submitted run puts a ticket in the device queue; a ticket finds the batch to run when it
 * starts, so runs that arrive while the device is busy are gathered into the next batch, and a
 * ticket whose run was taken by an earlier batch finishes at once. A run's TIMEOUT is its ticket's:
 * a run still waiting when its ticket times out is dropped.
 */
export class ModelBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly policy: BatchingPolicy,
    private readonly runner: BatchRunner,
  ) {}

  /** Runs waiting for a batch. */
  get waiting(): number {
    return this.pending.length;
  }

  submit(inputs: readonly Tensor[], outputCount: number, queueTimeoutMs: number): Promise<(Tensor | null)[]> {
    return new Promise((resolve, reject) => {
      const p: Pending = { inputs, outputCount, samples: batchSamples(inputs), since: performance.now(), resolve, reject };
      this.pending.push(p);
      this.runner
        .schedule(() => this.ticket(), queueTimeoutMs)
        .catch((err: unknown) => {
          // The ticket never started: its run goes with it, unless a batch has taken the run.
          if (this.remove(p)) reject(err instanceof Error ? err : toReplyError(err));
        });
    });
  }

  private remove(p: Pending): boolean {
    const i = this.pending.indexOf(p);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }

  private async ticket(): Promise<void> {
    const batch = this.take(performance.now());
    if (batch) await this.runBatch(batch);
    this.arm();
  }

  /** The next batch to run, taken out of the waiting runs; none while MINBATCHSIZE holds them all back. */
  private take(now: number): Pending[] | undefined {
    const { batchSize, minBatchSize, minBatchTimeoutMs } = this.policy;
    for (let f = 0; f < this.pending.length; f++) {
      const first = this.pending[f]!;
      const group = [first];
      let total = first.samples;
      if (total > 0 && total < batchSize) {
        for (let j = f + 1; j < this.pending.length; j++) {
          const next = this.pending[j]!;
          if (next.samples === 0 || next.outputCount !== first.outputCount || !batchable(first.inputs, next.inputs)) continue;
          if (total + next.samples > batchSize) break;
          group.push(next);
          total += next.samples;
        }
        const waitedEnough = minBatchTimeoutMs > 0 && now - first.since >= minBatchTimeoutMs;
        if (minBatchSize > 0 && total < minBatchSize && !waitedEnough) continue;
      }
      this.pending = this.pending.filter((p) => !group.includes(p));
      return group;
    }
    return undefined;
  }

  /** Runs held back by MINBATCHSIZE get a ticket of their own when the oldest has waited MINBATCHTIMEOUT. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const oldest = this.pending[0];
    if (!oldest || this.policy.minBatchTimeoutMs <= 0) return;
    const due = Math.max(0, oldest.since + this.policy.minBatchTimeoutMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runner
        .schedule(() => this.ticket(), 0)
        .catch(() => {
          // A ticket without a TIMEOUT is never dropped.
        });
    }, Math.ceil(due));
  }

  private async runBatch(group: readonly Pending[]): Promise<void> {
    const runs: Pending[] = [];
    for (const p of group) {
      try {
        this.runner.check(p.inputs, p.outputCount);
        runs.push(p);
      } catch (err) {
        this.runner.record(0, firstDim(p), true);
        p.reject(toReplyError(err));
      }
    }
    if (runs.length === 0) return;
    const t0 = performance.now();
    try {
      const outputs = await this.runner.run(concatInputs(runs.map((p) => p.inputs)), runs[0]!.outputCount);
      const shares =
        runs.length === 1
          ? [outputs]
          : splitOutputs(
              outputs,
              runs.map((p) => p.samples),
            );
      const us = (performance.now() - t0) * 1000;
      runs.forEach((p, j) => {
        this.runner.record(us, firstDim(p), false);
        p.resolve(shares[j]!);
      });
    } catch (err) {
      const e = toReplyError(err);
      for (const p of runs) {
        this.runner.record(0, firstDim(p), true);
        p.reject(e);
      }
    }
  }
}

/** What AI.INFO counts as a run's samples: its first input's first dimension. */
function firstDim(p: Pending): number {
  return p.inputs[0]?.shape[0] ?? 0;
}
