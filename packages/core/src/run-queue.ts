import { RunTimedOut } from './timed-out.js';

/** How a job waits in its queue. */
export interface QueueOptions {
  /** Milliseconds the job may wait for a slot before it is dropped with RunTimedOut (0: no limit). */
  readonly timeoutMs?: number;
}

/**
 * A FIFO of jobs for one device, served by `workers` concurrent slots. Jobs do their heavy
 * work off the JS thread (in the backend's threads); the queue bounds how many run at once,
 * like the reference's per-device queue and its background threads.
 */
export class RunQueue {
  private readonly pending: (() => void)[] = [];
  private active = 0;

  constructor(
    readonly device: string,
    private workers: number,
  ) {}

  /** Changes the number of slots; more slots start waiting jobs at once. */
  resize(workers: number): void {
    this.workers = Math.max(1, workers);
    while (this.active < this.workers && this.pending.length > 0) this.pending.shift()!();
  }

  get depth(): number {
    return this.pending.length;
  }

  get running(): number {
    return this.active;
  }

  run<T>(job: () => Promise<T>, options: QueueOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const start = (): void => {
        if (timer) clearTimeout(timer);
        this.active++;
        let p: Promise<T>;
        try {
          p = job();
        } catch (err) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what the job threw, as then(resolve, reject) passes on what it rejects with
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(() => {
          this.active--;
          this.pending.shift()?.();
        });
      };
      if (this.active < this.workers) {
        start();
        return;
      }
      this.pending.push(start);
      const timeoutMs = options.timeoutMs ?? 0;
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          const at = this.pending.indexOf(start);
          if (at === -1) return;
          this.pending.splice(at, 1);
          reject(new RunTimedOut(timeoutMs));
        }, timeoutMs);
      }
    });
  }
}

/** One queue per device string (`CPU`, `GPU:0`, ...), created on first use. */
export class RunQueues {
  private readonly queues = new Map<string, RunQueue>();

  constructor(private workersPerQueue: number) {}

  /** Slots of every queue, those to come and those there are. */
  resize(workersPerQueue: number): void {
    this.workersPerQueue = Math.max(1, workersPerQueue);
    for (const q of this.queues.values()) q.resize(this.workersPerQueue);
  }

  get workers(): number {
    return this.workersPerQueue;
  }

  for(device: string): RunQueue {
    let q = this.queues.get(device);
    if (!q) {
      q = new RunQueue(device, this.workersPerQueue);
      this.queues.set(device, q);
    }
    return q;
  }

  list(): RunQueue[] {
    return [...this.queues.values()];
  }
}
