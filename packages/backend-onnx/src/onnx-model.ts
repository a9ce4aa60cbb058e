import type { ModelHandle, Tensor } from '@modelkv/core';
import type { PoolWorker, SessionPool } from './session-pool.js';
import { packTensor, unpackTensor, type SessionSettings, type WireTensor } from './wire.js';

/**
 * A loaded ONNX model: an onnxruntime session living on one worker of the device's pool. Runs
 * are posted to that worker and answered in order; the JS thread only copies input bytes once.
 */
export class OnnxModel implements ModelHandle {
  private released = false;

  private constructor(
    private readonly worker: PoolWorker,
    private readonly session: number,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {}

  /** Creates the session on the least-loaded worker of `pool`. */
  static async load(pool: SessionPool, blob: Uint8Array, settings: SessionSettings): Promise<OnnxModel> {
    const { worker, session, inputNames, outputNames } = await pool.load(blob, settings);
    return new OnnxModel(worker, session, inputNames, outputNames);
  }

  /** Its outputs, `null` for those that are not tensors (not fetched: an ONNX-ML sequence of maps). */
  async run(inputs: readonly Tensor[], outputCount: number): Promise<(Tensor | null)[]> {
    if (this.released) throw new Error('the ONNX model has been released');
    if (inputs.length !== this.inputNames.length) {
      throw new Error(`model expects ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    if (outputCount !== this.outputNames.length) {
      throw new Error(`model has ${this.outputNames.length} outputs (${this.outputNames.join(', ')}), ${outputCount} were requested`);
    }
    const transfer: ArrayBuffer[] = [];
    const wire: WireTensor[] = inputs.map((t) => packTensor(t, transfer));
    const reply = await this.worker.request({ kind: 'run', session: this.session, inputs: wire }, 'ran', transfer);
    return reply.outputs.map((w, i) => (w ? unpackTensor(w, this.outputNames[i] ?? String(i)) : null));
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.worker.sessions--;
    if (this.worker.broken) return;
    await this.worker.request({ kind: 'release', session: this.session }, 'released');
  }
}
