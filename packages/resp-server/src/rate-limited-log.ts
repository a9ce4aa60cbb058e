import type { LogFields } from '@modelkv/core';

/** Milliseconds in which like events after the first are only counted. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Logs events that a client can cause at will (failed authentications, refused commands) without
 * letting it flood the log: the first of a run is logged at once, those that follow within the
 * interval are counted, and their number is logged when the interval ends.
 */
export class RateLimitedLog {
  private windowStart = -Infinity;
  private suppressed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (message: string, fields?: LogFields) => void,
    /** What the events are, for the summary line: `authentication failures`. */
    private readonly what: string,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  event(message: string, fields?: LogFields, now = Date.now()): void {
    if (now - this.windowStart >= this.intervalMs) {
      this.flush();
      this.windowStart = now;
      this.write(message, fields);
      return;
    }
    this.suppressed++;
    this.timer ??= setTimeout(
      () => {
        this.flush();
      },
      this.windowStart + this.intervalMs - now,
    ).unref();
  }

  /** Logs how many events were only counted so far (at shutdown, so that none go unreported). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed === 0) return;
    this.write(`${this.suppressed} more ${this.what} in the last ${this.intervalMs / 1000} s`);
    this.suppressed = 0;
  }
}
