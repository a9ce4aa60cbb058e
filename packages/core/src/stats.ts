/** Run statistics of one model or script, as AI.INFO reports them. */
export class RunStats {
  /** Cumulative run time in microseconds. */
  durationUs = 0;
  /** Sum of the 0-th dimension of the first input (models only). */
  samples = 0;
  calls = 0;
  /** Errors after the run was submitted. */
  errors = 0;

  /** A failed run counts as a call and an error only, as the reference counted it. */
  record(durationUs: number, samples: number, failed: boolean): void {
    this.calls++;
    if (failed) {
      this.errors++;
      return;
    }
    this.durationUs += Math.round(durationUs);
    this.samples += samples;
  }

  reset(): void {
    this.durationUs = 0;
    this.samples = 0;
    this.calls = 0;
    this.errors = 0;
  }
}
