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
    private readonly workers: number,
  ) {}

  get depth(): number {
    return this.pending.length;
  }

  get running(): number {
    return this.active;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
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
      if (this.active < this.workers) start();
      else this.pending.push(start);
    });
  }
}

/** One queue per device string (`CPU`, `GPU:0`, ...), created on first use. */
export class RunQueues {
  private readonly queues = new Map<string, RunQueue>();

  constructor(private readonly workersPerQueue: number) {}

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
