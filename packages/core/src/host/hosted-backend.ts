import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKEND_INTERFACE_VERSION,
  type Backend,
  type BackendConfig,
  type BackendName,
  type ModelOptions,
  type RunOptions,
  type ScriptHandle,
  type ScriptOptions,
  formatDevice,
} from '../backend.js';
import { unwatchAbort, watchAbort } from '../abort-watch.js';
import { ReplyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RunInterrupted, type RunQueue } from '../run-queue.js';
import type { Tensor } from '../tensor.js';
import { decodeFailure } from './failure.js';
import type { Frame } from './frames.js';
import { HeadWriter, ProtocolError } from './head.js';
import { type HandleOwner, type HandleRecord, type HostedCall, HostedModel, HostedScript, type TimedOutputs } from './hosted-handles.js';
import { type HostExit, HostProcess, type PendingRequest, type RequestKind } from './host-process.js';
import { RestartBackoff } from './restart-backoff.js';
import { MAX_RUN_INPUTS, decodeRunReply, encodeRun } from './run-messages.js';
import { type HelloMessage, type LoadedMessage, Msg, decodeLoaded, decodeLog, decodeReady, decodeText } from './protocol.js';

export interface HostedBackendOptions {
  readonly name: BackendName;
  /** The path as the operator gave it (messages, INFO). */
  readonly path: string;
  /** The module file the backend process imports. */
  readonly entry: string;
  readonly cwd?: string;
  readonly config: BackendConfig;
  readonly threadsPerQueue: number;
  readonly maxTensorBytes: number;
  readonly logger: Logger;
}

/** Not a measurement: only keeps a backend whose import never finishes from hanging LOADBACKEND. */
const START_TIMEOUT_MS = 60_000;
const CLOSE_GRACE_MS = 1000;
const EMPTY = Buffer.alloc(0);

type State = 'starting' | 'ready' | 'recovering' | 'down' | 'closed';

/** Why a backend process died, as far as the server can tell. */
type Cause = 'timeout' | 'load' | 'other';

/** The process being started or reloaded died; the start or reload that waits on it handles that. */
class HostGone extends Error {
  constructor(readonly exit: HostExit) {
    super(describeExit(exit));
  }
}

const DOING: Record<RequestKind, string> = {
  hello: 'starting',
  'load-model': 'loading the model',
  'compile-script': 'compiling the script',
  'run-model': 'running the model',
  'run-script': 'running the script',
};

function describeExit(exit: HostExit): string {
  if (exit.error) return `failed (${exit.error})`;
  if (exit.signal) return `died (${exit.signal})`;
  return `exited (code ${String(exit.code)})`;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * A backend that lives in a process of its own (see host-main.ts), served over a socketpair:
 * the engine uses it like any other backend. When the process dies (a crash, a kill after a
 * timeout), the requests it held are answered with an error that says so, it is started again
 * (with a backoff when deaths come quickly), and every model and script still loaded is loaded
 * into the new process from its stored bytes before runs go on. A model or script that kills the
 * process again while being reloaded is marked broken: its runs fail until it is stored again.
 */
export class HostedBackend implements Backend, HandleOwner {
  readonly name: BackendName;
  readonly interfaceVersion = BACKEND_INTERFACE_VERSION;
  version = '';
  unavailableReason?: string;
  compileScript?: (source: string, options: ScriptOptions) => Promise<ScriptHandle>;
  /** Times the process was started again after dying. */
  restarts = 0;

  private host: HostProcess | undefined;
  private state: State = 'starting';
  private deviceList: readonly string[] = [];
  private readonly records = new Map<number, HandleRecord>();
  private nextHandle = 1;
  private loadTail: Promise<unknown> = Promise.resolve();
  private readonly queues = new Set<RunQueue>();
  private waiters: Waiter[] = [];
  private downError: ReplyError | undefined;
  private killedForTimeout = false;
  private readonly backoff = new RestartBackoff();
  /** Client requests the current process has answered (OK or not): one that answered some is not in a crash loop. */
  private served = 0;
  /** Every process started and not yet dead, the one being started included. */
  private readonly processes = new Set<HostProcess>();
  /** Aborted by close(), which ends a restart's wait. */
  private readonly closing = new AbortController();
  private readonly logger: Logger;

  private constructor(private readonly options: HostedBackendOptions) {
    this.name = options.name;
    this.logger = options.logger;
  }

  /** Starts the backend's process; rejects with the reason it could not be imported or initialised. */
  static async start(options: HostedBackendOptions): Promise<HostedBackend> {
    const backend = new HostedBackend(options);
    const host = await backend.spawn();
    backend.host = host;
    backend.state = 'ready';
    options.logger.notice(`${options.name} backend process started (pid ${String(host.pid)})`, {
      backend: options.name,
      path: options.path,
    });
    return backend;
  }

  /** Runs its process executes at once on each device's queue. */
  get threadsPerQueue(): number {
    return this.options.threadsPerQueue;
  }

  get pid(): number | undefined {
    return this.host?.alive ? this.host.pid : undefined;
  }

  /** `ready`, `recovering` (restarting and reloading), `down` (could not be restarted) or `closed`. */
  get status(): State {
    return this.state;
  }

  devices(): readonly string[] {
    return this.deviceList;
  }

  /** Lets the backend hold a queue's runs while its process restarts. */
  attachQueue(queue: RunQueue): void {
    this.queues.add(queue);
  }

  /** A run did not stop after its time limit: the process is killed and started again. */
  killForTimeout(label: string): void {
    const host = this.host;
    if (this.state !== 'ready' || !host?.alive) return;
    this.killedForTimeout = true;
    this.logger.warning(`${this.name} backend process (pid ${String(host.pid)}) is killed: ${label} did not stop after its time limit`, {
      backend: this.name,
    });
    host.kill('SIGKILL');
  }

  async loadModel(blob: Buffer, options: ModelOptions): Promise<HostedModel> {
    const record: HandleRecord = {
      id: this.nextHandle++,
      kind: 'model',
      device: formatDevice(options.device),
      inputs: options.inputs,
      outputs: options.outputs,
      ...(options.nonTensorOutputs ? { nonTensorOutputs: options.nonTensorOutputs } : {}),
      payload: blob,
    };
    const loaded = await this.serially((host) => this.load(host, record, true));
    this.records.set(record.id, record);
    return new HostedModel(this, record, loaded);
  }

  private async compileHosted(source: string, options: ScriptOptions): Promise<HostedScript> {
    const record: HandleRecord = {
      id: this.nextHandle++,
      kind: 'script',
      device: formatDevice(options.device),
      inputs: [],
      outputs: [],
      ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}),
      payload: Buffer.from(source, 'utf8'),
    };
    const loaded = await this.serially((host) => this.load(host, record, true));
    this.records.set(record.id, record);
    return new HostedScript(this, record, loaded);
  }

  runHosted(
    record: HandleRecord,
    call: HostedCall,
    inputs: readonly Tensor[],
    outputCount: number,
    options?: RunOptions,
  ): Promise<TimedOutputs> {
    if (record.broken) return Promise.reject(new ReplyError(record.broken));
    if (inputs.length > MAX_RUN_INPUTS) {
      return Promise.reject(new ReplyError(`a run takes at most ${MAX_RUN_INPUTS} inputs, got ${inputs.length}`));
    }
    if (this.state !== 'ready') return this.whenUsable().then(() => this.sendRun(record, call, inputs, outputCount, options));
    return this.sendRun(record, call, inputs, outputCount, options);
  }

  /** Hands a run to the process; its client leaving before the process starts it cancels it there. */
  private sendRun(
    record: HandleRecord,
    call: HostedCall,
    inputs: readonly Tensor[],
    outputCount: number,
    options: RunOptions | undefined,
  ): Promise<TimedOutputs> {
    const host = this.host!;
    const head = encodeRun(record.id, options?.timeoutMs ?? 0, outputCount, call, inputs);
    const sections = new Array<Uint8Array>(inputs.length);
    for (let i = 0; i < inputs.length; i++) sections[i] = inputs[i]!.data;
    const { id, reply } = host.request(Msg.Run, record.kind === 'model' ? 'run-model' : 'run-script', head, sections);
    const signal = options?.signal;
    if (!signal) return reply.then((f) => this.ranOn(host, f));
    const cancel = (): void => {
      host.post(Msg.Cancel, id, EMPTY);
    };
    if (signal.aborted) cancel();
    else watchAbort(signal, cancel);
    return reply.then(
      (f) => {
        unwatchAbort(signal, cancel);
        return this.ranOn(host, f);
      },
      (err: unknown) => {
        unwatchAbort(signal, cancel);
        throw err;
      },
    );
  }

  /** A run's outcome from the reply of the process that ran it. */
  private ranOn(host: HostProcess, f: Frame): TimedOutputs {
    if (host === this.host) this.served++;
    return this.decodeRun(host, f);
  }

  releaseHosted(record: HandleRecord): void {
    this.records.delete(record.id);
    const host = this.host;
    if (host?.alive) host.post(Msg.Release, 0, new HeadWriter(4).u32(record.id).done());
  }

  /** Ends the process (it exits when its channel closes, or is killed after a grace period). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closing.abort();
    this.failWaiters(new ReplyError('the server is shutting down'));
    await Promise.all([...this.processes].map((p) => p.close(CLOSE_GRACE_MS)));
  }

  // ---- internals --------------------------------------------------------------------------

  private decodeRun(host: HostProcess, f: Frame): TimedOutputs {
    try {
      return decodeRunReply(f, this.options.maxTensorBytes);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.logger.warning(`${this.name} backend process sent a malformed reply (${err.message}); it is killed`, { backend: this.name });
      host.kill('SIGKILL');
      throw new ReplyError(`${this.name} backend process sent a malformed reply`);
    }
  }

  /** Runs loads one at a time, each once the process is ready, so a crash names its load. */
  private serially<T>(fn: (host: HostProcess) => Promise<T>): Promise<T> {
    const run = this.loadTail.then(() => this.whenUsable()).then(() => fn(this.host!));
    this.loadTail = run.catch(() => undefined);
    return run;
  }

  /** Loads a model or script into `host`; `fromClient` (not a reload) counts towards `served`. */
  private async load(host: HostProcess, record: HandleRecord, fromClient = false): Promise<LoadedMessage> {
    const options = {
      device: record.device,
      inputs: record.inputs,
      outputs: record.outputs,
      ...(record.nonTensorOutputs ? { nonTensorOutputs: record.nonTensorOutputs } : {}),
      ...(record.entryPoints ? { entryPoints: record.entryPoints } : {}),
    };
    const head = new HeadWriter(128).u32(record.id).json(options).done();
    const type = record.kind === 'model' ? Msg.LoadModel : Msg.CompileScript;
    const { reply } = host.request(type, record.kind === 'model' ? 'load-model' : 'compile-script', head, [record.payload]);
    const f = await reply;
    if (fromClient && host === this.host) this.served++;
    if (f.type === Msg.Loaded) return decodeLoaded(f.head);
    if (f.type === Msg.Failed) throw decodeFailure(f.head);
    host.kill('SIGKILL');
    throw new ReplyError(`${this.name} backend process sent an unexpected reply to a load`);
  }

  private whenUsable(): Promise<void> {
    switch (this.state) {
      case 'ready':
        return Promise.resolve();
      case 'down':
        return Promise.reject(this.downError ?? new ReplyError(`${this.name} backend process is down`));
      case 'closed':
        return Promise.reject(new ReplyError('the server is shutting down'));
      default:
        return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
  }

  private openWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private failWaiters(err: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }

  /** Starts a process and waits for its backend to be imported and initialised. */
  private async spawn(): Promise<HostProcess> {
    const o = this.options;
    const host = new HostProcess(o.cwd, this.limits(), {
      log: (head) => {
        this.onLog(head);
      },
      death: (exit, pending) => {
        this.processes.delete(host);
        this.onDeath(host, exit, pending);
      },
    });
    this.processes.add(host);
    const hello: HelloMessage = {
      name: o.name,
      path: o.path,
      entry: o.entry,
      config: o.config,
      threadsPerQueue: o.threadsPerQueue,
      maxTensorBytes: o.maxTensorBytes,
    };
    const { reply } = host.request(Msg.Hello, 'hello', new HeadWriter().json(hello).done());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        host.kill('SIGKILL');
        reject(new ReplyError(`backend ${o.name} from '${o.path}' did not finish loading within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
    });
    let f: Frame;
    try {
      f = await Promise.race([reply, timeout]);
    } catch (err) {
      if (err instanceof HostGone) throw new ReplyError(`${o.name} backend process ${err.message} while loading backend from '${o.path}'`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (f.type === Msg.Ready) {
      const ready = decodeReady(f.head);
      this.version = ready.version;
      this.deviceList = ready.devices;
      if (ready.unavailableReason === undefined) delete this.unavailableReason;
      else this.unavailableReason = ready.unavailableReason;
      if (ready.scripts) this.compileScript = (source, options) => this.compileHosted(source, options);
      else delete this.compileScript;
      return host;
    }
    void host.close(CLOSE_GRACE_MS);
    if (f.type === Msg.InitFailed) throw new ReplyError(decodeText(f.head));
    throw new ReplyError(`${o.name} backend process sent an unexpected reply while starting`);
  }

  private limits(): { maxHead: number; maxSection: number; maxSections: number; maxTotal: number } {
    const max = this.options.maxTensorBytes;
    return { maxHead: 16 * 1024 * 1024, maxSection: max, maxSections: 0xffff, maxTotal: 4 * max };
  }

  private onLog(head: Buffer): void {
    try {
      const { level, message } = decodeLog(head);
      this.logger[level](`${this.name} backend process: ${message}`, { backend: this.name });
    } catch {
      this.logger.warning(`${this.name} backend process sent a malformed log message`, { backend: this.name });
    }
  }

  private onDeath(host: HostProcess, exit: HostExit, pending: PendingRequest[]): void {
    if (this.state === 'closed') {
      for (const p of pending) p.reject(new ReplyError('the server is shutting down'));
      return;
    }
    if (host !== this.host || this.state !== 'ready') {
      // A process being started or reloaded into: whoever waits on it handles its end.
      for (const p of pending) p.reject(new HostGone(exit));
      return;
    }
    const cause: Cause = this.killedForTimeout
      ? 'timeout'
      : pending.some((p) => p.kind === 'load-model' || p.kind === 'compile-script')
        ? 'load'
        : 'other';
    this.killedForTimeout = false;
    const what = cause === 'timeout' ? 'was killed after a run did not stop after its time limit' : describeExit(exit);
    const doing = [...new Set(pending.map((p) => DOING[p.kind]))].join(', ') || 'idle';
    this.logger.warning(`${this.name} backend process (pid ${String(host.pid)}) ${what} while ${doing}; restarting it`, {
      backend: this.name,
      signal: exit.signal ?? undefined,
      code: exit.code ?? undefined,
    });
    this.state = 'recovering';
    for (const q of this.queues) q.pause();
    void this.recover(what, cause, pending, this.served > 0);
  }

  /**
   * Starts a new process, answers the requests the dead one held, loads every model and script
   * into it again, then lets runs go on. Repeats (with a backoff) while starts or reloads fail.
   */
  private async recover(what: string, cause: Cause, orphaned: PendingRequest[], served: boolean): Promise<void> {
    let answered = false;
    const answer = (suffix: string, restarted: boolean): void => {
      if (answered) return;
      answered = true;
      for (const p of orphaned) {
        const message = `${this.name} backend process ${what} while ${DOING[p.kind]}; ${suffix}`;
        const isRun = p.kind === 'run-model' || p.kind === 'run-script';
        p.reject(isRun && restarted ? new RunInterrupted(message, cause !== 'other') : new ReplyError(message));
      }
    };
    for (let first = true; ; first = false) {
      const delay = this.backoff.next(first && served);
      if (delay > 0) {
        this.logger.warning(`${this.name} backend process restarts in ${delay} ms (${this.backoff.recent} deaths in the last minute)`, {
          backend: this.name,
        });
        try {
          await sleep(delay, undefined, { signal: this.closing.signal });
        } catch {
          // close() cut the wait short
        }
      }
      if (this.isClosed()) {
        answer('the server is shutting down', false);
        return;
      }
      this.state = 'recovering';
      let host: HostProcess;
      try {
        host = await this.spawn();
      } catch (err) {
        if (this.isClosed()) {
          answer('the server is shutting down', false);
          return;
        }
        const reason = err instanceof Error ? err.message : String(err);
        const failure = new ReplyError(`${this.name} backend process could not be restarted: ${reason}`);
        this.logger.warning(failure.message, { backend: this.name });
        answer(`it could not be restarted: ${reason}`, false);
        this.state = 'down';
        this.downError = failure;
        this.failWaiters(failure);
        for (const q of this.queues) q.failWaiting(failure);
        continue;
      }
      if (this.isClosed()) {
        answer('the server is shutting down', false);
        void host.close(CLOSE_GRACE_MS);
        return;
      }
      this.host = host;
      this.served = 0;
      this.restarts++;
      this.logger.notice(`${this.name} backend process restarted (pid ${String(host.pid)})`, { backend: this.name });
      answer('it has been restarted', true);
      if (await this.reload(host)) break;
    }
    if (this.isClosed()) return;
    this.state = 'ready';
    this.downError = undefined;
    this.openWaiters();
    for (const q of this.queues) q.resume();
  }

  /** Loads every model and script into a new process; false when it died doing so. */
  private async reload(host: HostProcess): Promise<boolean> {
    let count = 0;
    for (const record of this.records.values()) {
      if (record.broken) continue;
      try {
        await this.load(host, record);
        count++;
      } catch (err) {
        if (this.isClosed()) return false;
        if (err instanceof HostGone) {
          const why = `the process ${describeExit(err.exit)} while loading it`;
          record.broken = `the ${record.kind} could not be loaded again after the ${this.name} backend process restarted: ${why}; store it again`;
          this.logger.warning(
            `a ${record.kind} could not be loaded again into the ${this.name} backend process: ${why}; its runs fail until it is stored again`,
            {
              backend: this.name,
            },
          );
          return false;
        }
        const reason = err instanceof Error ? err.message : String(err);
        record.broken = `the ${record.kind} could not be loaded again after the ${this.name} backend process restarted: ${reason}`;
        this.logger.warning(`a ${record.kind} could not be loaded again into the ${this.name} backend process: ${reason}`, {
          backend: this.name,
        });
      }
    }
    if (count > 0) {
      const what = count === 1 ? 'model or script' : 'models and scripts';
      this.logger.notice(`${count} ${what} loaded again into the ${this.name} backend process`, { backend: this.name });
    }
    return true;
  }

  /** Whether close() was called (a check the compiler does not narrow away across awaits). */
  private isClosed(): boolean {
    return this.state === 'closed';
  }
}
