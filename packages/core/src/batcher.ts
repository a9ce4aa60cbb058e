import { unwatchAbort, watchAbort } from './abort-watch.js';
import type { RunOptions } from './backend.js';
import { batchSamples, batchable, concatInputs, splitOutputs } from './batch-tensors.js';
import { toReplyError } from './errors.js';
import type { TimedOutputs } from './host/hosted-handles.js';
import type { BatchingPolicy } from './keyspace.js';
import { RunDropped } from './run-queue.js';
import type { Tensor } from './tensor.js';

/** How one run request waits: its TIMEOUT and its client. */
export interface BatchRequest {
  /** Milliseconds the run may wait before it is dropped with RunWaitTimedOut (0 or absent: no limit). */
  readonly queueTimeoutMs?: number;
  /** Aborted when the run's client has gone. */
  readonly signal?: AbortSignal;
}

/** What a model's batcher needs from the engine. */
export interface BatchRunner {
  /**
   * Queues a ticket on the model's queue: `exec` is called when the queue hands it over, and the
   * promise is the queue's outcome (RunWaitTimedOut, RunDropped, RunTimedOut, a retry after its
   * backend process restarted, or what `exec` gave).
   */
  schedule(exec: (options: RunOptions) => Promise<TimedOutputs>, request: BatchRequest): Promise<TimedOutputs>;
  /** Throws when a run's input or output count does not fit the model. */
  check(inputs: readonly Tensor[], outputCount: number): void;
  /** Runs the model once. */
  run(inputs: readonly Tensor[], outputCount: number, options: RunOptions): Promise<TimedOutputs>;
  /** Counts one run request that succeeded in the model's statistics. */
  succeeded(durationUs: number, samples: number): void;
  /** Counts one run request that failed and gives the error its client is answered with. */
  failed(err: unknown, samples: number): Error;
}

interface Pending {
  readonly inputs: readonly Tensor[];
  readonly outputCount: number;
  /** Its inputs' shared first dimension; 0 if it cannot join a batch. */
  readonly samples: number;
  /** When it was submitted (performance.now()). */
  readonly since: number;
  /** Stops listening for its client's leaving (once it is taken into a batch or gone). */
  detach: () => void;
  resolve(outputs: (Tensor | null)[]): void;
  reject(err: Error): void;
}

/** A place in the queue: the batch it runs is taken when the queue hands it over. */
interface Ticket {
  batch: Pending[] | undefined;
}

const NOTHING: TimedOutputs = { outputs: [], durationUs: 0 };

/**
 * Automatic batching of one model's runs (BATCHSIZE, MINBATCHSIZE, MINBATCHTIMEOUT), as RedisAI
 * does it: when the queue gets to a run, the oldest waiting run takes with it the later ones it
 * can be joined with (same dtypes and dimensions but the first), up to BATCHSIZE samples in all;
 * the joined inputs run once and each run gets its rows of the outputs. A run that cannot be
 * joined (its inputs' first dimensions differ, or it has BATCHSIZE samples already) runs alone.
 * With MINBATCHSIZE, runs wait until that many samples are there, or MINBATCHTIMEOUT has passed
 * since the oldest arrived; runs that can go meanwhile go first.
 *
 * Each submitted run puts a ticket in the model's queue (handed over only when a slot is free);
 * a ticket takes the batch to run when it is handed over, so runs that arrive while the device
 * is busy are gathered into the next batch, and a ticket whose run was taken by an earlier batch
 * finishes at once. A batch is one run of the queue: its MODEL_EXECUTION_TIMEOUT, its failure or
 * its retry after a backend process restart answer every run in it. A run's TIMEOUT is its
 * ticket's: a run still waiting when its ticket is dropped goes. A run whose client leaves
 * while it waits goes at once (RunDropped); the batcher, not its ticket, listens for that, so
 * that tickets left in the queue by runs already served hold nothing of their clients.
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

  submit(inputs: readonly Tensor[], outputCount: number, request: BatchRequest = {}): Promise<(Tensor | null)[]> {
    return new Promise((resolve, reject) => {
      const { signal } = request;
      const p: Pending = {
        inputs,
        outputCount,
        samples: batchSamples(inputs),
        since: performance.now(),
        detach: () => undefined,
        resolve,
        reject,
      };
      if (signal?.aborted) {
        reject(this.runner.failed(new RunDropped(), firstDim(p)));
        return;
      }
      if (signal) {
        const onAbort = (): void => {
          if (this.remove(p)) reject(this.runner.failed(new RunDropped(), firstDim(p)));
        };
        watchAbort(signal, onAbort);
        p.detach = () => {
          unwatchAbort(signal, onAbort);
        };
      }
      this.pending.push(p);
      this.schedule(request.queueTimeoutMs ? { queueTimeoutMs: request.queueTimeoutMs } : {}, p);
    });
  }

  private schedule(request: BatchRequest, own: Pending | undefined): void {
    const ticket: Ticket = { batch: undefined };
    this.runner
      .schedule((options) => this.exec(ticket, options), request)
      .then(
        (result) => {
          if (ticket.batch) this.settle(ticket.batch, result);
        },
        (err: unknown) => {
          if (ticket.batch) this.failAll(ticket.batch, err);
          // The ticket never ran: its run goes with it, unless a batch has taken the run.
          else if (own && this.remove(own)) own.reject(this.runner.failed(err, firstDim(own)));
        },
      )
      .finally(() => {
        this.arm();
      });
  }

  private remove(p: Pending): boolean {
    const i = this.pending.indexOf(p);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    p.detach();
    return true;
  }

  /** Runs the ticket's batch, taken now unless it was taken by an earlier try (a retry). */
  private exec(ticket: Ticket, options: RunOptions): Promise<TimedOutputs> {
    ticket.batch ??= this.take(performance.now());
    const runs = ticket.batch;
    if (!runs || runs.length === 0) return Promise.resolve(NOTHING);
    // The batch serves several clients: one of them going does not cancel it.
    const { timeoutMs } = options;
    return this.runner.run(concatInputs(runs.map((p) => p.inputs)), runs[0]!.outputCount, timeoutMs === undefined ? {} : { timeoutMs });
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
      for (const p of group) p.detach();
      return this.checked(group);
    }
    return undefined;
  }

  /** The runs of a group whose counts fit the model; the others fail at once, counted. */
  private checked(group: readonly Pending[]): Pending[] {
    const runs: Pending[] = [];
    for (const p of group) {
      try {
        this.runner.check(p.inputs, p.outputCount);
        runs.push(p);
      } catch (err) {
        p.reject(this.runner.failed(toReplyError(err), firstDim(p)));
      }
    }
    return runs;
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
      this.schedule({}, undefined);
    }, Math.ceil(due));
  }

  private settle(runs: readonly Pending[], result: TimedOutputs): void {
    if (runs.length === 0) return;
    let shares: (Tensor | null)[][];
    try {
      shares =
        runs.length === 1
          ? [result.outputs]
          : splitOutputs(
              result.outputs,
              runs.map((p) => p.samples),
            );
    } catch (err) {
      this.failAll(runs, err);
      return;
    }
    runs.forEach((p, j) => {
      this.runner.succeeded(result.durationUs, firstDim(p));
      p.resolve(shares[j]!);
    });
  }

  private failAll(runs: readonly Pending[], err: unknown): void {
    for (const p of runs) p.reject(this.runner.failed(err, firstDim(p)));
  }
}

/** What AI.INFO counts as a run's samples: its first input's first dimension. */
function firstDim(p: Pending): number {
  return p.inputs[0]?.shape[0] ?? 0;
}
