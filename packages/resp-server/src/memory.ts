import type { Engine, Logger } from '@modelkv/core';
import type { ServerSettings } from './config.js';
import { RateLimitedLog } from './rate-limited-log.js';

/**
 * Bytes a loaded model is estimated to hold in its backend, per byte of its blob. ONNX Runtime,
 * libtorch and TensorFlow keep a model's weights in memory once loaded, which is about the size of
 * the serialized model; their working memory during a run is not counted.
 */
export const MODEL_NATIVE_BYTES_PER_BLOB_BYTE = 1;

/**
 * What maxmemory is compared with: the data the keyspace holds (tensor data, model blobs, script
 * sources) plus the estimate of each loaded model's memory in its backend. The JS heap, client
 * buffers (bounded by their own limits) and the backends' libraries are not counted.
 */
export class MemoryMeter {
  private peakBytes = 0;
  private readonly refusals: RateLimitedLog;

  constructor(
    private readonly engine: Engine,
    private readonly settings: ServerSettings,
    logger: Logger,
  ) {
    this.refusals = new RateLimitedLog((m, f) => {
      logger.warning(m, f);
    }, 'commands refused past maxmemory');
  }

  /** The bytes counted against maxmemory. */
  get used(): number {
    const k = this.engine.keyspace;
    const used = k.memoryUsage + k.modelBlobBytes * MODEL_NATIVE_BYTES_PER_BLOB_BYTE;
    if (used > this.peakBytes) this.peakBytes = used;
    return used;
  }

  get dataset(): number {
    return this.engine.keyspace.memoryUsage;
  }

  get modelsEstimate(): number {
    return this.engine.keyspace.modelBlobBytes * MODEL_NATIVE_BYTES_PER_BLOB_BYTE;
  }

  get peak(): number {
    return Math.max(this.peakBytes, this.used);
  }

  /** Past maxmemory: commands that add data (denyoom) are refused. */
  overLimit(): boolean {
    const max = this.settings.maxmemory;
    return max > 0 && this.used > max;
  }

  /** Logs the refusals only counted so far. */
  flushLog(): void {
    this.refusals.flush();
  }

  /** Logs a refusal (rate-limited: a client can cause them at will). */
  refused(command: string, client: string): void {
    this.refusals.event('command refused: used memory is past maxmemory', {
      command,
      client,
      used_memory: this.used,
      maxmemory: this.settings.maxmemory,
    });
  }
}
