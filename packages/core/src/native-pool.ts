import type { RunOptions } from './backend.js';

/**
 * What a backend addon built on `@modelkv/core/native`'s job pool (`modelkv/pool.h`) reports
 * from its `poolStats()` export.
 */
export interface NativePoolStats {
  /** Pool threads alive, busy or idle. */
  readonly threads: number;
  /** Of which waiting for work. */
  readonly idle: number;
  /** Threads of the addon running a job now (a run that never returns stays counted). */
  readonly busy: number;
  /** Jobs waiting for a thread. */
  readonly queued: number;
  /** Jobs finished and waiting for the JS thread to settle them. */
  readonly waiting: number;
  /** Jobs settled so far. */
  readonly settled: number;
  /** JS callbacks that settled them: fewer than `settled` when completions piled up. */
  readonly callbacks: number;
}

/**
 * `RunOptions.timeoutMs` as a backend addon takes it: whole milliseconds, 0 for no bound, and at
 * least 1 when a bound was given (a run given no time left still ends, rather than running unbounded).
 */
export function addonTimeoutMs(options?: RunOptions): number {
  return options?.timeoutMs === undefined ? 0 : Math.max(1, Math.ceil(options.timeoutMs));
}

/**
 * Whether `err` is a backend's own report of a run stopped at its deadline. Native backends
 * throw `the run timed out after N ms` (libtorch prefixes its error type); the engine answers
 * such a run with the same reply as one it stopped itself.
 */
export function isDeadlineError(err: unknown): boolean {
  return err instanceof Error && /(?:^|: )the run timed out after \d+ ms$/.test(err.message);
}
