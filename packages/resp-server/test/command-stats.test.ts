import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandStats, formatPercentile, parsePercentiles } from '../src/command-stats.js';
import { CommandTable } from '../src/command-table.js';
import { COMMANDS } from '../src/commands/index.js';
import { commandstatsLines, latencystatsLines } from '../src/commands/info-command-stats.js';

const table = new CommandTable(COMMANDS);
const spec = (name: string) => table.getFull(name)!;

function statsWith(tracking = true): { stats: CommandStats; settings: { latencyTracking: boolean } } {
  const settings = { latencyTracking: tracking };
  return { stats: new CommandStats(COMMANDS, settings), settings };
}

/** A start time `us` microseconds ago on the stats' clock. */
const ago = (stats: CommandStats, us: number) => stats.now() - us / 1000;

describe('per-command statistics', () => {
  it('counts calls, time, failures and rejections per command and subcommand, in INFO commandstats form', () => {
    const { stats } = statsWith();
    stats.record(spec('ping'), ago(stats, 100), false);
    stats.record(spec('ping'), ago(stats, 200), false);
    stats.record(spec('ai.tensorset'), ago(stats, 50), true);
    stats.rejected(spec('ai.tensorget'));
    stats.record(spec('config|get'), ago(stats, 10), false);
    stats.rejected(undefined);
    const lines = new Map(commandstatsLines(stats));
    assert.deepEqual([...lines.keys()], ['cmdstat_ping', 'cmdstat_config|get', 'cmdstat_ai.tensorset', 'cmdstat_ai.tensorget']);
    const ping = /^calls=2,usec=(\d+),usec_per_call=(\d+\.\d\d),rejected_calls=0,failed_calls=0$/.exec(lines.get('cmdstat_ping')!);
    assert.ok(ping, lines.get('cmdstat_ping'));
    assert.ok(Number(ping[1]) >= 300, `usec ${ping[1]} covers both calls`);
    assert.equal(ping[2], (Number(ping[1]) / 2).toFixed(2), 'usec_per_call is usec / calls');
    assert.match(lines.get('cmdstat_ai.tensorset')!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    assert.equal(lines.get('cmdstat_ai.tensorget'), 'calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
  });

  it('keeps a latency histogram per command while tracking is on, and reports percentiles as Redis does', () => {
    const { stats, settings } = statsWith();
    for (let i = 0; i < 100; i++) stats.record(spec('echo'), ago(stats, 1000), false);
    settings.latencyTracking = false;
    stats.record(spec('ping'), ago(stats, 5), false);
    assert.deepEqual(latencystatsLines(stats, false, [50]), [], 'nothing is listed while tracking is off');
    settings.latencyTracking = true;
    const lines = new Map(latencystatsLines(stats, true, [50, 99, 99.9]));
    assert.deepEqual([...lines.keys()], ['latency_percentiles_usec_echo'], 'PING ran untracked: no histogram');
    const m = /^p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),p99\.9=(\d+\.\d{3})$/.exec(lines.get('latency_percentiles_usec_echo')!);
    assert.ok(m, lines.get('latency_percentiles_usec_echo'));
    assert.ok(Number(m[1]) >= 1000 && Number(m[1]) <= Number(m[3]), `percentiles in µs, ordered: ${m[0]}`);
    assert.deepEqual(latencystatsLines(stats, true, []), [['latency_percentiles_usec_echo', '']]);
    const custom = new Map(latencystatsLines(stats, true, [0, 50, 100]));
    assert.match(custom.get('latency_percentiles_usec_echo')!, /^p0=\d+\.\d{3},p50=\d+\.\d{3},p100=\d+\.\d{3}$/);
  });

  it('CONFIG RESETSTAT clears counters and histograms', () => {
    const { stats } = statsWith();
    stats.record(spec('ping'), ago(stats, 1), true);
    stats.rejected(spec('ping'));
    stats.reset();
    assert.deepEqual(commandstatsLines(stats), []);
    assert.deepEqual(latencystatsLines(stats, true, [50]), []);
  });

  it('parses and prints latency-tracking-info-percentiles as Redis does', () => {
    assert.deepEqual(parsePercentiles('50 99 99.9'), [50, 99, 99.9]);
    assert.deepEqual(parsePercentiles('0.0  50.0 100.0'), [0, 50, 100]);
    assert.deepEqual(parsePercentiles(''), []);
    assert.deepEqual(parsePercentiles('1e2 .5'), [100, 0.5]);
    for (const bad of ['10.0 50.0 a', 'nan', '1e400', '0x10', '5%']) {
      assert.equal(parsePercentiles(bad), 'Invalid latency-tracking-info-percentiles parameters', bad);
    }
    for (const out of ['101', '-1', '10.0 50.0 101.0']) {
      assert.equal(parsePercentiles(out), 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]', out);
    }
    assert.deepEqual([0, 50, 99.9, 99.99, 0.000001, 33.3333335].map(formatPercentile), [
      '0',
      '50',
      '99.9',
      '99.99',
      '0.000001',
      '33.333334',
    ]);
  });
});
