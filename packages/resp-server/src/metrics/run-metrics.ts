import { isUtf8 } from 'node:buffer';
import type { EngineObserver, RunRecord } from '@modelkv/core';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The `key` label of runs of models and scripts beyond the labelled ones. */
export const OTHER_KEY = '__other__';

/** Run durations, in seconds: from 100 µs (a tiny model) to 30 s. */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Batch sizes (the 0-th dimension of a model's first input). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

type ModelLabel = 'key' | 'backend' | 'device';
type ScriptLabel = 'key' | 'device';
type Labels = Record<ModelLabel, string>;

/**
 * Per-model and per-script run counts, errors, durations and batch sizes, labelled by key.
 * The first `maxKeys` models and scripts to run get series of their own; runs of any more are
 * counted under `key="__other__"` (per backend and device), so a server with very many keys
 * exports a bounded number of series. A model or script that leaves the keyspace (deleted,
 * overwritten, flushed) takes its series with it and frees its place.
 */
export class RunMetrics implements EngineObserver {
  private readonly modelRuns: Counter<ModelLabel>;
  private readonly modelErrors: Counter<ModelLabel>;
  private readonly modelDuration: Histogram<ModelLabel>;
  private readonly modelBatch: Histogram<ModelLabel>;
  private readonly scriptRuns: Counter<ScriptLabel>;
  private readonly scriptErrors: Counter<ScriptLabel>;
  private readonly scriptDuration: Histogram<ScriptLabel>;
  /** Labels of the keys that have series of their own, by kind and key. */
  private readonly labelled = { model: new Map<string, Labels>(), script: new Map<string, Labels>() };

  constructor(
    registry: Registry,
    private readonly maxKeys: number,
  ) {
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      new Counter({ name, help, labelNames, registers: [registry] });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets, registers: [registry] });
    const model: ModelLabel[] = ['key', 'backend', 'device'];
    const script: ScriptLabel[] = ['key', 'device'];
    this.modelRuns = counter('modelkv_model_runs_total', 'Model runs (AI.INFO CALLS), failed ones included.', model);
    this.modelErrors = counter('modelkv_model_run_errors_total', 'Model runs that failed (AI.INFO ERRORS).', model);
    this.modelDuration = histogram(
      'modelkv_model_run_duration_seconds',
      'Time the backend took for each successful model run.',
      model,
      DURATION_BUCKETS,
    );
    this.modelBatch = histogram(
      'modelkv_model_run_batch_size',
      'Batch size (0-th dimension of the first input) of each successful model run.',
      model,
      BATCH_BUCKETS,
    );
    this.scriptRuns = counter('modelkv_script_runs_total', 'Script runs, failed ones included.', script);
    this.scriptErrors = counter('modelkv_script_run_errors_total', 'Script runs that failed.', script);
    this.scriptDuration = histogram(
      'modelkv_script_run_duration_seconds',
      'Time the backend took for each successful script run.',
      script,
      DURATION_BUCKETS,
    );
  }

  runFinished(run: RunRecord): void {
    const labels = this.labelsFor(run);
    const seconds = run.durationUs / 1e6;
    if (run.kind === 'model') {
      this.modelRuns.inc(labels);
      if (run.failed) {
        this.modelErrors.inc(labels);
        return;
      }
      this.modelDuration.observe(labels, seconds);
      this.modelBatch.observe(labels, run.batchSize);
      return;
    }
    const scriptLabels = { key: labels.key, device: labels.device };
    this.scriptRuns.inc(scriptLabels);
    if (run.failed) this.scriptErrors.inc(scriptLabels);
    else this.scriptDuration.observe(scriptLabels, seconds);
  }

  removed(kind: 'model' | 'script', key: string): void {
    const labels = this.labelled[kind].get(key);
    if (!labels) return;
    this.labelled[kind].delete(key);
    if (kind === 'model') {
      for (const m of [this.modelRuns, this.modelErrors]) m.remove(labels);
      for (const m of [this.modelDuration, this.modelBatch]) m.remove(labels);
      return;
    }
    const scriptLabels = { key: labels.key, device: labels.device };
    for (const m of [this.scriptRuns, this.scriptErrors]) m.remove(scriptLabels);
    this.scriptDuration.remove(scriptLabels);
  }

  /** Keys with series of their own. */
  get labelledKeys(): number {
    return this.labelled.model.size + this.labelled.script.size;
  }

  private labelsFor(run: RunRecord): Labels {
    const map = this.labelled[run.kind];
    const own = map.get(run.key);
    if (own) return own;
    // A run that outlived its model gets no new series: its key would never be released.
    if (run.removed || this.labelledKeys >= this.maxKeys) return { key: OTHER_KEY, backend: run.backend, device: run.device };
    const labels = { key: keyLabel(run.key), backend: run.backend, device: run.device };
    map.set(run.key, labels);
    // Error counters start at 0, so that a key's series are all there from its first run.
    if (run.kind === 'model') this.modelErrors.inc(labels, 0);
    else this.scriptErrors.inc({ key: labels.key, device: labels.device }, 0);
    return labels;
  }
}

/** A keyspace key (latin1, one char per byte) as label text: its UTF-8 reading, or `\xNN` escapes where it is not UTF-8. */
export function keyLabel(key: string): string {
  const bytes = Buffer.from(key, 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}
