import { Worker } from 'node:worker_threads';
import type { ModelHandle, Tensor } from '@modelkv/core';
import { packTensor, unpackTensor, type SessionSettings, type WorkerReply, type WorkerRequest, type WorkerStart } from './wire.js';

const WORKER_URL = new URL('./session-worker.js', import.meta.url);

interface Pending {
  resolve(outputs: (Tensor | null)[]): void;
  reject(err: Error): void;
}

/**
 * A loaded ONNX model: an onnxruntime session living in its own worker thread. Runs are
 * posted to the worker and answered in order; the JS thread only copies input bytes once.
 */
export class OnnxModel implements ModelHandle {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: string | undefined;
  private releasing = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        resolve();
      }),
    );
    worker.on('message', (reply: WorkerReply) => {
      this.settle(reply);
    });
    worker.on('error', (err) => {
      this.fail(`ONNX session worker failed: ${err.message}`);
    });
    worker.on('exit', () => {
      this.fail('ONNX session worker has exited');
    });
    worker.unref();
  }

  /** Starts a worker, creates the session there, and resolves once it is ready. */
  static load(blob: Buffer, settings: SessionSettings): Promise<OnnxModel> {
    const bytes = new ArrayBuffer(blob.byteLength);
    new Uint8Array(bytes).set(blob);
    const start: WorkerStart = { blob: bytes, settings };
    const worker = new Worker(WORKER_URL, { workerData: start, transferList: [bytes] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number): void => {
        reject(new Error(`ONNX session worker exited with code ${code} while loading`));
      };
      const onError = (err: Error): void => {
        worker.off('exit', onExit);
        reject(err);
      };
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (reply.kind === 'loaded') {
          resolve(new OnnxModel(worker, reply.inputNames, reply.outputNames));
        } else {
          reject(new Error(reply.kind === 'load-failed' ? reply.message : `unexpected reply '${reply.kind}' while loading`));
          void worker.terminate();
        }
      });
    });
  }

  run(inputs: readonly Tensor[], outputCount: number): Promise<(Tensor | null)[]> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    if (this.releasing) return Promise.reject(new Error('the ONNX model has been released'));
    if (inputs.length !== this.inputNames.length) {
      return Promise.reject(
        new Error(`model expects ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`),
      );
    }
    if (outputCount !== this.outputNames.length) {
      return Promise.reject(
        new Error(`model has ${this.outputNames.length} outputs (${this.outputNames.join(', ')}), ${outputCount} were requested`),
      );
    }
    const transfer: ArrayBuffer[] = [];
    let request: WorkerRequest & { kind: 'run' };
    try {
      request = { kind: 'run', id: this.nextId++, inputs: inputs.map((t) => packTensor(t, transfer)) };
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(request, transfer);
    });
  }

  async release(): Promise<void> {
    if (this.failure || this.releasing) return this.exited;
    this.releasing = true;
    this.worker.ref();
    this.worker.postMessage({ kind: 'release' } satisfies WorkerRequest);
    await this.exited;
  }

  private settle(reply: WorkerReply): void {
    if (reply.kind !== 'ran' && reply.kind !== 'run-failed') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.releasing) this.worker.unref();
    if (reply.kind === 'run-failed') {
      waiter.reject(new Error(reply.message));
      return;
    }
    try {
      waiter.resolve(reply.outputs.map((wire, i) => (wire ? unpackTensor(wire, this.outputNames[i] ?? String(i)) : null)));
    } catch (err) {
      waiter.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}
