/** Deaths within this window count towards the delay. */
const WINDOW_MS = 60_000;
/** Deaths in the window restarted at once. */
const FREE = 2;
const BASE_MS = 250;
const MAX_MS = 30_000;

/**
 * How long to wait before starting a backend process again: at once for the first two deaths
 * within a minute, then 250 ms doubling up to 30 s, so that a process that dies as soon as it
 * starts (or a client crashing it with every request) does not spin. A process that answered
 * requests before dying is not in such a loop: its death clears the count.
 */
export class RestartBackoff {
  private deaths: number[] = [];

  /** Deaths counted now. */
  get recent(): number {
    return this.deaths.length;
  }

  /** Records a death (or a failed start) and returns the delay before the next start. */
  next(servedBeforeDying: boolean, now = Date.now()): number {
    if (servedBeforeDying) this.deaths = [];
    this.deaths = this.deaths.filter((t) => now - t < WINDOW_MS);
    this.deaths.push(now);
    const n = this.deaths.length - FREE;
    return n <= 0 ? 0 : Math.min(MAX_MS, BASE_MS * 2 ** (n - 1));
  }
}
