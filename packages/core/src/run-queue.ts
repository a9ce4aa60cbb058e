import { performance } from 'node:perf_hooks';
import { unwatchAbort, watchAbort } from './abort-watch.js';
import type { RunOptions } from './backend.js';
import { ReplyError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';

/** A run dropped before it started because its client had gone; nothing was executed. */
export class RunDropped extends ReplyError {
  constructor() {
    super('the run was dropped: its client disconnected before it started');
  }
}

/** A run that did not settle within MODEL_EXECUTION_TIMEOUT. */
export class RunTimedOut extends ReplyError {}

/**
 * A run still waiting for its slot when its request's TIMEOUT (AI.MODELEXECUTE and the like)
 * passed: nothing was executed. Not an error reply: RedisAI 1.2 answers the simple string
 * `TIMEDOUT`.
 */
export class RunWaitTimedOut extends Error {
  readonly waitTimedOut = true;

  constructor(readonly timeoutMs: number) {
    super(`the run waited more than ${timeoutMs} ms in its queue`);
    this.name = 'RunWaitTimedOut';
  }
}

/** Recognises a RunWaitTimedOut, also one from another copy of core. */
export function isRunWaitTimedOut(err: unknown): err is RunWaitTimedOut {
  return err instanceof Error && (err as { waitTimedOut?: unknown }).waitTimedOut === true;
}

/**
 * A run whose backend process died under it. `innocent`: the death has another known cause
 * (another run's timeout, a model being loaded), so the run may be tried once more.
 */
export class RunInterrupted extends ReplyError {
  constructor(
    message: string,
    readonly innocent: boolean,
  ) {
    super(message);
  }
}

/** One run as the queue sees it. */
export interface QueuedRun<T> {
  /** Starts the run, or hands it to a backend process that starts it when one of its slots frees. */
  exec(options: RunOptions): Promise<T>;
  /** Milliseconds the run may execute; 0: no limit. */
  readonly timeoutMs: number;
  /**
   * Milliseconds, from its submission, the run may wait to be handed over (its request's
   * TIMEOUT); past them it is dropped with RunWaitTimedOut. 0 or absent: no limit. A run with a
   * limit is handed over only when a slot is free for it, never ahead, so that the limit
   * covers all of its wait.
   */
  readonly waitTimeoutMs?: number | undefined;
  /**
   * False: the run is handed over only when a slot is free for it, never ahead (a batch, which
   * gathers its runs when it is handed over). Default true.
   */
  readonly ahead?: boolean | undefined;
  /** The error message a timed-out run is answered with. */
  readonly timeoutMessage: string;
  /** Aborted when the client that asked for the run is gone. */
  readonly signal?: AbortSignal | undefined;
  /** Names the run in logs (`model 'm'`). */
  readonly label: string;
  /** Called once the queue is done with the run: it finished, failed or was dropped (not when a timeout answers it). */
  readonly onDone?: (() => void) | undefined;
}

export interface RunQueueOptions {
  /** Runs executing at once. */
  readonly slots: number;
  /**
   * Runs handed to the executor before a slot of theirs is free (0: a run is handed over when it
   * starts). A backend process queues these itself and starts each as soon as a slot frees, so
   * that runs go back to back; the queue mirrors its slots to know when each starts.
   */
  readonly lookahead?: number;
  /** Milliseconds after a run's deadline before `onOverrun` (it has not stopped by itself). */
  readonly graceMs?: number;
  /** A timed-out run still holds its slot `graceMs` after its deadline. */
  readonly onOverrun?: (label: string) => void;
  readonly logger?: Logger;
}

type State = 'waiting' | 'sent' | 'running';

interface Entry<T> {
  readonly run: QueuedRun<T>;
  state: State;
  attempt: number;
  retried: boolean;
  timedOut: boolean;
  settled: boolean;
  /** When (performance.now()) a running run with a time limit is due; 0: none counts. */
  due: number;
  overrun: NodeJS.Timeout | undefined;
  /** The TIMEOUT of a run not yet handed over. */
  waitLimit: NodeJS.Timeout | undefined;
  resolve(value: T): void;
  reject(err: unknown): void;
  /** Drops the run if its client goes while it waits (watched only while it does). */
  onAbort: (() => void) | undefined;
  done: boolean;
}

const DEFAULT_GRACE_MS = 500;

/**
 * The run queue of one backend on one device (`TORCH:CPU`, `ONNX:GPU:0`): runs start in order,
 * at most `slots` at once. A run whose client has gone before it started is dropped (RunDropped),
 * and so is one still waiting when its request's TIMEOUT passes (RunWaitTimedOut);
 * one running past its time limit is answered with RunTimedOut at the deadline, while its slot
 * stays taken until the executor gives up (a backend process is killed for it, see `onOverrun`).
 * Runs interrupted by a backend process's death start again once the queue resumes: those that
 * had not started always, those that had only when innocent, and only once.
 */
export class RunQueue {
  private readonly entries: Entry<unknown>[] = [];
  private active = 0;
  private sent = 0;
  private paused = false;
  private slots: number;
  private readonly lookahead: number;
  private readonly graceMs: number;
  private readonly logger: Logger;
  /**
   * Running runs with a time limit, in the order they started. One timer serves them all: it is
   * armed for the earliest deadline and, when it fires, answers the runs that are due and is armed
   * again for the next; a run that settles first leaves it armed. So a run arms no timer of its
   * own, and the timer is referenced only while a run it guards is running.
   */
  private readonly timed = new Set<Entry<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  /** When (performance.now()) the timer fires. */
  private timerDue = 0;

  constructor(
    readonly name: string,
    private readonly options: RunQueueOptions,
  ) {
    this.slots = Math.max(1, options.slots);
    this.lookahead = Math.max(0, options.lookahead ?? 0);
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.logger = options.logger ?? silentLogger;
  }

  /** Changes the number of runs executing at once; more slots start waiting runs at once. */
  resize(slots: number): void {
    this.slots = Math.max(1, slots);
    this.pump();
  }

  /** Runs executing now. */
  get running(): number {
    return this.active;
  }

  /** Runs waiting to start. */
  get depth(): number {
    return this.entries.length - this.active;
  }

  submit<T>(run: QueuedRun<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const e: Entry<T> = {
        run,
        state: 'waiting',
        attempt: 0,
        retried: false,
        timedOut: false,
        settled: false,
        due: 0,
        overrun: undefined,
        waitLimit: undefined,
        resolve,
        reject,
        onAbort: undefined,
        done: false,
      };
      const entry = e as Entry<unknown>;
      if (run.signal?.aborted) {
        this.drop(entry);
        return;
      }
      const waitMs = run.waitTimeoutMs ?? 0;
      if (waitMs > 0) {
        e.waitLimit = setTimeout(() => {
          e.waitLimit = undefined;
          if (e.state !== 'waiting') return;
          this.finish(entry);
          this.fail(entry, new RunWaitTimedOut(waitMs));
        }, waitMs);
      }
      this.entries.push(entry);
      this.pump();
      // A run handed over at once needs no watching: its client leaving no longer drops it.
      this.watch(entry);
    });
  }

  /** Holds every run back (a backend process died); deadlines of running runs stop counting. */
  pause(): void {
    this.paused = true;
    for (const e of this.entries) this.clearTimers(e);
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Fails every run that has not been handed over (the backend process cannot be started). */
  failWaiting(err: Error): void {
    for (const e of [...this.entries]) {
      if (e.state !== 'waiting') continue;
      this.finish(e);
      this.fail(e, err);
    }
  }

  private pump(): void {
    if (this.paused) return;
    let inFlight = this.sent + this.active;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      if (inFlight >= this.slots + this.lookahead) break;
      const e = entries[i]!;
      if (e.state !== 'waiting') continue;
      if (e.run.signal?.aborted) {
        // Dropping takes it out of `entries`, at `i`.
        this.drop(e);
        i--;
        continue;
      }
      // Runs are handed over in order: one that waits for a free slot holds back those after it.
      if (!goesAhead(e.run) && inFlight >= this.slots) break;
      this.send(e);
      inFlight++;
    }
    for (const e of entries) {
      if (this.active >= this.slots) break;
      if (e.state === 'sent') this.start(e);
    }
  }

  /** Drops a waiting run when its client goes. */
  private watch(e: Entry<unknown>): void {
    const signal = e.run.signal;
    if (!signal || e.onAbort || e.done || e.state !== 'waiting') return;
    e.onAbort = () => {
      e.onAbort = undefined;
      if (e.state === 'waiting') this.drop(e);
    };
    watchAbort(signal, e.onAbort);
  }

  private send(e: Entry<unknown>): void {
    if (e.waitLimit) clearTimeout(e.waitLimit);
    e.waitLimit = undefined;
    e.state = 'sent';
    this.sent++;
    const attempt = ++e.attempt;
    const { timeoutMs, signal } = e.run;
    const options: RunOptions = timeoutMs > 0 ? (signal ? { timeoutMs, signal } : { timeoutMs }) : signal ? { signal } : {};
    let p: Promise<unknown>;
    try {
      p = e.run.exec(options);
    } catch (err) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what exec threw, as then(resolve, reject) passes on what it rejects with
      p = Promise.reject(err);
    }
    p.then(
      (value) => {
        this.succeeded(e, attempt, value);
      },
      (err: unknown) => {
        this.failed(e, attempt, err);
      },
    );
  }

  private start(e: Entry<unknown>): void {
    e.state = 'running';
    this.sent--;
    this.active++;
    const { timeoutMs } = e.run;
    if (timeoutMs > 0) {
      e.due = performance.now() + timeoutMs;
      this.timed.add(e);
      this.armFor(e.due);
    }
  }

  /** Makes sure the shared timer fires by `due` and keeps the process alive meanwhile. */
  private armFor(due: number): void {
    const timer = this.timer;
    if (timer && this.timerDue <= due) {
      timer.ref();
      return;
    }
    if (timer) clearTimeout(timer);
    this.timerDue = due;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(due - performance.now())));
  }

  /** Answers the runs past their deadline and arms the timer for the next one. */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = performance.now();
    let next = Infinity;
    for (const e of [...this.timed]) {
      // Timers fire on the event loop's clock, which is read in whole milliseconds.
      if (e.due - now < 1) this.expire(e);
      else next = Math.min(next, e.due);
    }
    if (next !== Infinity) this.armFor(next);
  };

  private expire(e: Entry<unknown>): void {
    this.untime(e);
    e.timedOut = true;
    this.logger.warning(`${e.run.label} timed out after ${e.run.timeoutMs} ms`, { queue: this.name });
    this.fail(e, new RunTimedOut(e.run.timeoutMessage));
    e.overrun = setTimeout(() => {
      e.overrun = undefined;
      this.options.onOverrun?.(e.run.label);
    }, this.graceMs);
  }

  /** The run's deadline no longer counts; an idle timer stops holding the process. */
  private untime(e: Entry<unknown>): void {
    if (e.due === 0) return;
    e.due = 0;
    this.timed.delete(e);
    if (this.timed.size === 0) this.timer?.unref();
  }

  private succeeded(e: Entry<unknown>, attempt: number, value: unknown): void {
    if (attempt !== e.attempt || e.state === 'waiting') return;
    this.finish(e);
    if (!e.settled) {
      e.settled = true;
      e.resolve(value);
    }
    this.pump();
  }

  private failed(e: Entry<unknown>, attempt: number, err: unknown): void {
    if (attempt !== e.attempt || e.state === 'waiting') return;
    if (err instanceof RunInterrupted && !e.timedOut) {
      const wasRunning = e.state === 'running';
      if (!wasRunning || (err.innocent && !e.retried)) {
        if (wasRunning) {
          e.retried = true;
          this.logger.notice(`${e.run.label} is run again: its backend process died because of another request`, { queue: this.name });
        }
        this.unslot(e);
        this.pump();
        this.watch(e);
        return;
      }
    }
    this.finish(e);
    this.fail(e, err);
    this.pump();
  }

  private drop(e: Entry<unknown>): void {
    this.finish(e);
    this.fail(e, new RunDropped());
  }

  private fail(e: Entry<unknown>, err: unknown): void {
    if (e.settled) return;
    e.settled = true;
    e.reject(err);
  }

  private clearTimers(e: Entry<unknown>): void {
    this.untime(e);
    if (e.overrun) clearTimeout(e.overrun);
    e.overrun = undefined;
  }

  /** Gives up the run's slot (or its place among those handed over); it waits again. */
  private unslot(e: Entry<unknown>): void {
    if (e.state === 'sent') this.sent--;
    else if (e.state === 'running') this.active--;
    e.state = 'waiting';
    this.clearTimers(e);
  }

  private finish(e: Entry<unknown>): void {
    this.unslot(e);
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
    if (e.onAbort) unwatchAbort(e.run.signal!, e.onAbort);
    e.onAbort = undefined;
    if (e.waitLimit) clearTimeout(e.waitLimit);
    e.waitLimit = undefined;
    if (!e.done) {
      e.done = true;
      e.run.onDone?.();
    }
  }
}

/** Whether a run may be handed over before a slot is free for it. */
function goesAhead(run: QueuedRun<unknown>): boolean {
  return run.ahead !== false && !((run.waitTimeoutMs ?? 0) > 0);
}

/** The queues of an engine, one per backend and device, created on first use. */
export class RunQueues {
  private readonly queues = new Map<string, RunQueue>();

  for(name: string, create: () => RunQueue): RunQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = create();
      this.queues.set(name, q);
    }
    return q;
  }

  list(): RunQueue[] {
    return [...this.queues.values()];
  }
}
