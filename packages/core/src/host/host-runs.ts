/**
 * The runs a backend process executes: one FIFO per device with a fixed number of slots, the
 * same shape as the server's queue for that backend and device, so that the server can tell
 * from the order of requests and replies alone which run is executing. When a run settles, the
 * next one starts at once, before its reply is even written.
 */
export interface HostRun {
  readonly id: number;
  start(): Promise<void>;
}

export class HostRunQueue {
  private readonly waiting: HostRun[] = [];
  private active = 0;

  constructor(private readonly slots: number) {}

  push(run: HostRun): void {
    this.waiting.push(run);
    this.pump();
  }

  /** Removes a run that has not started; false when it has started (or is unknown). */
  cancel(id: number): boolean {
    const i = this.waiting.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  private pump(): void {
    while (this.active < this.slots) {
      const run = this.waiting.shift();
      if (!run) return;
      this.active++;
      run.start().then(this.ended, this.ended);
    }
  }

  private readonly ended = (): void => {
    this.active--;
    this.pump();
  };
}
