import { performance } from 'node:perf_hooks';
import { hrtime } from 'node:process';
import type { CommandSpec } from './command-table.js';
import { LatencyHistogram } from './latency-histogram.js';

/** What the accounting reads of the server's settings, at each command (CONFIG SET applies at once). */
export interface CommandStatsSettings {
  readonly latencyTracking: boolean;
}

/** One command's (or subcommand's) counters, as Redis keeps them in its command table. */
export class CommandCounters {
  /** Calls that ran, failed or not. */
  calls = 0;
  /** Microseconds spent in those calls, including waits on the engine (model runs). */
  microseconds = 0;
  /** Refused before running: wrong arity (and, where checks are added, permissions). */
  rejectedCalls = 0;
  /** Ran and answered with an error. */
  failedCalls = 0;
  /** Created at the first call timed while latency tracking is on; dropped by a reset. */
  histogram: LatencyHistogram | undefined;

  /** `cmdstat_<name>` and `latency_percentiles_usec_<name>` use this: `config|get`, INFO-safe. */
  constructor(readonly name: string) {}

  reset(): void {
    this.calls = 0;
    this.microseconds = 0;
    this.rejectedCalls = 0;
    this.failedCalls = 0;
    this.histogram = undefined;
  }
}

/** process.hrtime's reading, in milliseconds, when performance.now() read 0. */
const HRTIME_ORIGIN = hrtimeMs() - performance.now();

function hrtimeMs(): number {
  // Imported, not read from the global `process` (a getter the optimizing compiler cannot fold).
  const t = hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/**
 * Per-command statistics for INFO commandstats and latencystats: a counter slot for every
 * command and subcommand of the table, made up front (indexed by the spec's id) so that
 * recording a call is an array load, a clock read and a few additions.
 */
export class CommandStats {
  private readonly bySpec: (CommandCounters | undefined)[] = [];
  /** The slots in table order, containers before their subcommands. */
  private readonly ordered: CommandCounters[] = [];

  constructor(
    specs: readonly CommandSpec[],
    private readonly settings: CommandStatsSettings,
  ) {
    for (const spec of specs) {
      this.add(spec);
      for (const sub of spec.subcommands ?? []) this.add(sub);
    }
  }

  private add(spec: CommandSpec): void {
    const c = new CommandCounters(infoSafe(spec.name));
    this.bySpec[spec.id] = c;
    this.ordered.push(c);
  }

  /**
   * The clock calls are timed with: performance.now()'s (milliseconds since the time origin,
   * sub-microsecond resolution), read through process.hrtime, which skips the brand check
   * performance.now() makes on every call.
   */
  now(): number {
    return hrtimeMs() - HRTIME_ORIGIN;
  }

  /** A call of `spec` that started at `startedAt` (from `now()`) has been answered now. Returns now. */
  record(spec: CommandSpec, startedAt: number, failed: boolean): number {
    const now = hrtimeMs() - HRTIME_ORIGIN;
    const c = this.bySpec[spec.id];
    if (c === undefined) return now;
    const us = (now - startedAt) * 1000;
    c.calls++;
    c.microseconds += us;
    if (failed) c.failedCalls++;
    if (this.settings.latencyTracking) (c.histogram ??= new LatencyHistogram()).record(us * 1000);
    return now;
  }

  /** A call of `spec` was refused before it ran. Unknown commands have no slot, as in Redis. */
  rejected(spec: CommandSpec | undefined): void {
    if (spec === undefined) return;
    const c = this.bySpec[spec.id];
    if (c) c.rejectedCalls++;
  }

  /** The counters of every command, containers before their subcommands. */
  all(): Iterable<CommandCounters> {
    return this.ordered;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    for (const c of this.ordered) c.reset();
  }
}

/** Redis's getSafeInfoString: `#`, `:`, CR and LF would break an INFO line. */
function infoSafe(name: string): string {
  return name.replace(/[#:\r\n]/g, '_');
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Space-separated percentiles, each 0 to 100 (`""`: none), with Redis's error texts; or why not. */
export function parsePercentiles(v: string): number[] | string {
  const words = v.split(/\s+/).filter((w) => w !== '');
  const out: number[] = [];
  for (const w of words) {
    const p = DECIMAL.test(w) ? Number(w) : NaN;
    if (!Number.isFinite(p)) return 'Invalid latency-tracking-info-percentiles parameters';
    if (p < 0 || p > 100) return 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]';
    out.push(p);
  }
  return out;
}

/** A percentile as Redis writes it (`%f` with trailing zeros trimmed): `50`, `99.9`. */
export function formatPercentile(p: number): string {
  return String(Number(p.toFixed(6)));
}
