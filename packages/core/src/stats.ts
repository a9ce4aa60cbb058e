/** Run statistics of one model or script, as AI.INFO reports them. */
export class RunStats {
  /** Cumulative run time in microseconds. */
  durationUs = 0;
  /** Sum of the 0-th dimension of the first input (models only). */
  samples = 0;
  calls = 0;
  /** Errors after the run was submitted. */
  errors = 0;

  record(durationUs: number, samples: number, failed: boolean): void {
    this.calls++;
    this.durationUs += Math.round(durationUs);
    this.samples += samples;
    if (failed) this.errors++;
  }

  reset(): void {
    this.durationUs = 0;
    this.samples = 0;
    this.calls = 0;
    this.errors = 0;
  }
}
