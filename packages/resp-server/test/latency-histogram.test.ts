import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { LatencyHistogram, MAX_NS, highestEquivalentValue, lowestEquivalentValue } from '../src/latency-histogram.js';

/** HdrHistogram's own port, set up as Redis sets up its per-command histograms (2 significant digits). */
function reference(): hdr.JsHistogram {
  return new hdr.Float64Histogram(1, MAX_NS, 2);
}

/** A deterministic spread of values from 1 ns to MAX_NS, dense at the low end as latencies are. */
function values(n: number): number[] {
  const out: number[] = [];
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Math.max(1, Math.floor(Math.exp((x / 2 ** 31) * Math.log(MAX_NS)))));
  }
  return out;
}

describe('latency histogram', () => {
  it('puts each value in the slot HdrHistogram puts it in', () => {
    const ref = reference();
    const edges = [1, 2, 127, 128, 255, 256, 257, 511, 512, 1000, 1023, 1024, 999_999, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, MAX_NS];
    for (const v of [...edges, ...values(2000)]) {
      assert.equal(lowestEquivalentValue(v), ref.lowestEquivalentValue(v), `lowest equivalent of ${v}`);
      assert.equal(highestEquivalentValue(v), ref.highestEquivalentValue(v), `highest equivalent of ${v}`);
    }
    // Redis's 1 µs command: recorded as 1000 ns, read back as p50=1.003.
    assert.equal(highestEquivalentValue(1000), 1003);
  });

  it("reads percentiles as hdr_value_at_percentile does: the value at rank round(p% of n), its slot's top", () => {
    const data = values(1000);
    const h = new LatencyHistogram();
    const ref = reference();
    for (const v of data) {
      h.record(v);
      ref.recordValue(v);
    }
    assert.equal(h.totalCount, 1000);
    const sorted = [...data].sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9, 100]) {
      const rank = Math.max(1, Math.floor((p / 100) * data.length + 0.5));
      assert.equal(h.valueAtPercentile(p), highestEquivalentValue(sorted[rank - 1]!), `p${p}`);
      // At these percentiles p% of 1000 is whole, where HdrHistogram's Java rule (its JS port) agrees with the C one.
      assert.equal(h.valueAtPercentile(p), ref.getValueAtPercentile(p), `p${p} against hdr-histogram-js`);
    }
    assert.equal(h.valueAtPercentile(0), lowestEquivalentValue(sorted[0]!), 'p0 is the lowest equivalent of the smallest value');
  });

  it('rounds half up when p% of the count is not whole, as the C implementation does', () => {
    const h = new LatencyHistogram();
    for (const v of [10, 20, 30, 40]) h.record(v);
    // 4 * 0.375 = 1.5 rounds to rank 2; 4 * 0.3 = 1.2 to rank 1.
    assert.equal(h.valueAtPercentile(37.5), 20);
    assert.equal(h.valueAtPercentile(30), 10);
    assert.equal(h.valueAtPercentile(200), 40, 'above 100 reads as 100');
  });

  it('clamps values outside [1 ns, MAX_NS] and reads 0 when empty', () => {
    const h = new LatencyHistogram();
    assert.equal(h.valueAtPercentile(50), 0);
    h.record(0);
    h.record(-5);
    h.record(0.4);
    assert.equal(h.valueAtPercentile(100), 1);
    h.record(MAX_NS * 10);
    assert.equal(h.valueAtPercentile(100), highestEquivalentValue(MAX_NS));
    assert.equal(h.totalCount, 4);
  });
});
