// INFO's commandstats and latencystats sections, in Redis 7's formats.
import { type CommandStats, formatPercentile } from '../command-stats.js';

type Line = [string, string];

/** `cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..` for each command used. */
export function commandstatsLines(stats: CommandStats): Line[] {
  const lines: Line[] = [];
  for (const c of stats.all()) {
    if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
    const usec = Math.round(c.microseconds);
    const perCall = c.calls === 0 ? 0 : usec / c.calls;
    lines.push([
      `cmdstat_${c.name}`,
      `calls=${c.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`,
    ]);
  }
  return lines;
}

/**
 * `latency_percentiles_usec_<name>:p50=..,p99=..,p99.9=..` for each command timed while latency
 * tracking was on; nothing while it is off, as in Redis.
 */
export function latencystatsLines(stats: CommandStats, tracking: boolean, percentiles: readonly number[]): Line[] {
  if (!tracking) return [];
  const lines: Line[] = [];
  for (const c of stats.all()) {
    const h = c.histogram;
    if (!h) continue;
    const values = percentiles.map((p) => `p${formatPercentile(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`);
    lines.push([`latency_percentiles_usec_${c.name}`, values.join(',')]);
  }
  return lines;
}
