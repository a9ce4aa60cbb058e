import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '@modelkv/core';
import { Registry } from 'prom-client';
import { OTHER_KEY, RunMetrics, keyLabel } from '../src/metrics/run-metrics.js';

function run(key: string, extra: Partial<RunRecord> = {}): RunRecord {
  return { kind: 'model', key, backend: 'ONNX', device: 'CPU', durationUs: 1500, batchSize: 4, failed: false, removed: false, ...extra };
}

/** Every sample of a metric as `labels → value` (labels JSON in the metric's own order). */
async function samples(registry: Registry, name: string, metricName = name): Promise<Map<string, number>> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const got = await metric.get();
  const out = new Map<string, number>();
  for (const v of got.values) {
    const withName = v as typeof v & { metricName?: string };
    if ((withName.metricName ?? name) !== metricName) continue;
    const { le, ...labels } = v.labels as Record<string, string | number>;
    out.set(JSON.stringify(le === undefined ? labels : { le, ...labels }), v.value);
  }
  return out;
}

const labelsOf = (key: string, backend = 'ONNX') => JSON.stringify({ key, backend, device: 'CPU' });

describe('run metrics', () => {
  it('counts runs, errors, durations and batch sizes per model key; scripts have their own', async () => {
    const registry = new Registry();
    const m = new RunMetrics(registry, 10);
    m.runFinished(run('a'));
    m.runFinished(run('a', { durationUs: 3_000_000, batchSize: 1 }));
    m.runFinished(run('a', { failed: true, durationUs: 0 }));
    m.runFinished(run('s', { kind: 'script', backend: 'TORCH', batchSize: -1 }));
    assert.equal((await samples(registry, 'modelkv_model_runs_total')).get(labelsOf('a')), 3);
    assert.equal((await samples(registry, 'modelkv_model_run_errors_total')).get(labelsOf('a')), 1);
    const count = await samples(registry, 'modelkv_model_run_duration_seconds', 'modelkv_model_run_duration_seconds_count');
    assert.equal(count.get(labelsOf('a')), 2, 'failed runs are not timed');
    const sum = await samples(registry, 'modelkv_model_run_duration_seconds', 'modelkv_model_run_duration_seconds_sum');
    assert.equal(sum.get(labelsOf('a')), 3.0015);
    const batch = await samples(registry, 'modelkv_model_run_batch_size', 'modelkv_model_run_batch_size_bucket');
    assert.equal(batch.get(JSON.stringify({ le: 1, key: 'a', backend: 'ONNX', device: 'CPU' })), 1);
    assert.equal(batch.get(JSON.stringify({ le: 4, key: 'a', backend: 'ONNX', device: 'CPU' })), 2);
    const scriptRuns = await samples(registry, 'modelkv_script_runs_total');
    assert.deepEqual([...scriptRuns], [[JSON.stringify({ key: 's', device: 'CPU' }), 1]]);
    assert.equal((await samples(registry, 'modelkv_script_run_errors_total')).get(JSON.stringify({ key: 's', device: 'CPU' })), 0);
  });

  it('labels at most maxKeys keys; the rest count under __other__; a removed key frees its place', async () => {
    const registry = new Registry();
    const m = new RunMetrics(registry, 2);
    for (const key of ['a', 'b', 'c', 'd']) m.runFinished(run(key));
    m.runFinished(run('e', { backend: 'TORCH' }));
    let runs = await samples(registry, 'modelkv_model_runs_total');
    assert.deepEqual(
      [...runs].sort(),
      [
        [labelsOf('a'), 1],
        [labelsOf('b'), 1],
        [labelsOf(OTHER_KEY), 2],
        [labelsOf(OTHER_KEY, 'TORCH'), 1],
      ].sort(),
    );
    m.removed('model', 'a');
    m.removed('model', 'c'); // counted under __other__: nothing of its own to remove
    assert.equal(m.labelledKeys, 1);
    m.runFinished(run('c'));
    runs = await samples(registry, 'modelkv_model_runs_total');
    assert.equal(runs.get(labelsOf('a')), undefined, "a's series went with it");
    assert.equal(runs.get(labelsOf('c')), 1, 'c got the freed place');
    assert.equal(runs.get(labelsOf(OTHER_KEY)), 2);
    const durations = await samples(registry, 'modelkv_model_run_duration_seconds', 'modelkv_model_run_duration_seconds_count');
    assert.equal(durations.get(labelsOf('a')), undefined);
  });

  it('a run that outlived its model takes no new place', async () => {
    const registry = new Registry();
    const m = new RunMetrics(registry, 5);
    m.runFinished(run('gone', { removed: true }));
    assert.equal(m.labelledKeys, 0);
    assert.equal((await samples(registry, 'modelkv_model_runs_total')).get(labelsOf(OTHER_KEY)), 1);
  });

  it('writes keys as UTF-8 text, or with \\x escapes where they are not UTF-8', () => {
    assert.equal(keyLabel(Buffer.from('модель:1').toString('latin1')), 'модель:1');
    assert.equal(keyLabel('\xff\x00a\\'), '\\xff\\x00a\\x5c');
  });
});
