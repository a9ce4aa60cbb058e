import { performance } from 'node:perf_hooks';
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

/**
 * Per-command statistics for INFO commandstats and latencystats: a counter slot for every
 * command and subcommand of the table, made up front so that recording a call is a Map lookup,
 * a clock read and a few additions.
 */
export class CommandStats {
  private readonly bySpec = new Map<CommandSpec, CommandCounters>();

  constructor(
    specs: readonly CommandSpec[],
    private readonly settings: CommandStatsSettings,
  ) {
    for (const spec of specs) {
      this.bySpec.set(spec, new CommandCounters(infoSafe(spec.name)));
      for (const sub of spec.subcommands ?? []) this.bySpec.set(sub, new CommandCounters(infoSafe(sub.name)));
    }
  }

  /** The clock calls are timed with (milliseconds, sub-microsecond resolution). */
  now(): number {
    return performance.now();
  }

  /** A call of `spec` that started at `startedAt` (from `now()`) has been answered now. Returns now. */
  record(spec: CommandSpec, startedAt: number, failed: boolean): number {
    const now = performance.now();
    const c = this.bySpec.get(spec);
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
    const c = this.bySpec.get(spec);
    if (c) c.rejectedCalls++;
  }

  /** The counters of every command, containers before their subcommands. */
  all(): Iterable<CommandCounters> {
    return this.bySpec.values();
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    for (const c of this.bySpec.values()) c.reset();
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
