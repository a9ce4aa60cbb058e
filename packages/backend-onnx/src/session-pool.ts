import { Worker } from 'node:worker_threads';
import type { SessionSettings, WorkerReply, WorkerRequest } from './wire.js';

const WORKER_URL = new URL('./session-worker.js', import.meta.url);

type Reply<K extends WorkerReply['kind']> = Extract<WorkerReply, { kind: K }>;

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(err: Error): void;
}

/** Distributes a request over `WorkerRequest` without the fields the worker fills in itself. */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * One worker thread of a pool and the sessions placed on it. Requests are answered in order;
 * an idle worker does not keep the process alive.
 */
export class PoolWorker {
  sessions = 0;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextSession = 1;
  private failure: string | undefined;

  constructor(private readonly onExit: (w: PoolWorker) => void) {
    this.worker = new Worker(WORKER_URL);
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      this.settle(reply);
    });
    this.worker.on('error', (err) => {
      this.fail(`ONNX pool worker failed: ${err.message}`);
    });
    this.worker.on('exit', (code) => {
      this.fail(`ONNX pool worker exited with code ${code}`);
      this.onExit(this);
    });
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  newSessionId(): number {
    return this.nextSession++;
  }

  request<K extends WorkerReply['kind']>(message: Request, expect: K, transfer: ArrayBuffer[] = []): Promise<Reply<K>> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      const request: WorkerRequest = { ...message, id };
      this.worker.postMessage(request, transfer);
    }).then((reply) => {
      if (reply.kind === 'failed') throw new Error(reply.message);
      if (reply.kind !== expect) throw new Error(`unexpected reply '${reply.kind}' from an ONNX pool worker`);
      return reply as Reply<K>;
    });
  }

  private settle(reply: WorkerReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    waiter.resolve(reply);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}

/**
 * The worker threads ONNX sessions of one device live in: at most `size`, started as sessions
 * need them, each new session placed on the worker holding the fewest. A worker and its V8
 * isolate cost about 8 MB, so the pool, not the number of models, bounds that cost.
 */
export class SessionPool {
  private readonly workers: PoolWorker[] = [];

  constructor(private readonly size: number) {}

  get workerCount(): number {
    return this.workers.length;
  }

  /** Creates a session on the least-loaded worker; resolves to where it lives and its names. */
  async load(
    blob: Uint8Array,
    settings: SessionSettings,
  ): Promise<{ worker: PoolWorker; session: number; inputNames: readonly string[]; outputNames: readonly string[] }> {
    const worker = this.place();
    const session = worker.newSessionId();
    worker.sessions++;
    const bytes = new ArrayBuffer(blob.byteLength);
    new Uint8Array(bytes).set(blob);
    try {
      const reply = await worker.request({ kind: 'load', session, blob: bytes, settings }, 'loaded', [bytes]);
      return { worker, session, inputNames: reply.inputNames, outputNames: reply.outputNames };
    } catch (err) {
      worker.sessions--;
      throw err;
    }
  }

  private place(): PoolWorker {
    const live = this.workers.filter((w) => !w.broken);
    if (live.length < Math.max(1, this.size) && (live.length === 0 || live.every((w) => w.sessions > 0))) {
      const w = new PoolWorker((dead) => {
        const i = this.workers.indexOf(dead);
        if (i >= 0) this.workers.splice(i, 1);
      });
      this.workers.push(w);
      return w;
    }
    return live.reduce((best, w) => (w.sessions < best.sessions ? w : best));
  }
}
