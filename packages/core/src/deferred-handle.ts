import type { BackendName, ModelHandle, RunOptions, ScriptHandle } from './backend.js';
import { ReplyError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Stands in for a model or script restored from disk while its backend is not loaded: the value
 * is kept (GET, DEL, INFO work), runs answer ERR, and once the backend is loaded the engine
 * `attach`es the real handle, after which everything goes to it.
 */
abstract class Deferred<H extends ModelHandle | ScriptHandle> {
  protected inner: H | undefined;
  private released = false;
  /** Why the last attempt to load it failed, when one did. */
  failure: string | undefined;

  constructor(
    readonly backend: BackendName,
    readonly what: string,
  ) {}

  get attached(): boolean {
    return this.inner !== undefined;
  }

  /** The loaded handle, once attached. */
  get current(): H | undefined {
    return this.inner;
  }

  /** Hands over the loaded handle; releases it at once when the value is already gone. */
  attach(handle: H): void {
    if (this.released) {
      void Promise.resolve()
        .then(() => handle.release())
        .catch(() => undefined);
      return;
    }
    this.inner = handle;
    this.failure = undefined;
  }

  release(): void | Promise<void> {
    this.released = true;
    return this.inner?.release();
  }

  notLoadedError(): ReplyError {
    const why = this.failure ? ` (loading it failed: ${this.failure})` : '';
    return new ReplyError(
      `${this.what} was restored but backend ${this.backend} is not loaded${why}: load it with AI.CONFIG LOADBACKEND ${this.backend} <path>`,
    );
  }
}

export class DeferredModelHandle extends Deferred<ModelHandle> implements ModelHandle {
  constructor(backend: BackendName) {
    super(backend, 'model');
  }

  get inputNames(): readonly string[] | undefined {
    return this.inner?.inputNames;
  }

  get outputNames(): readonly string[] | undefined {
    return this.inner?.outputNames;
  }

  run(inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<(Tensor | null)[]> {
    if (!this.inner) return Promise.reject(this.notLoadedError());
    return this.inner.run(inputs, outputCount, options);
  }
}

export class DeferredScriptHandle extends Deferred<ScriptHandle> implements ScriptHandle {
  constructor() {
    super('TORCH', 'script');
  }

  get functionNames(): readonly string[] | undefined {
    return this.inner?.functionNames;
  }

  run(fn: string, inputs: readonly Tensor[], outputCount: number, options?: RunOptions): Promise<Tensor[]> {
    if (!this.inner) return Promise.reject(this.notLoadedError());
    return this.inner.run(fn, inputs, outputCount, options);
  }
}

/**
 * The handle a model's run goes to: the loaded one behind a kept model (so that a model run in a
 * backend process is timed there). Throws the ERR a run gets while the backend is not loaded.
 */
export function runnableModel(handle: ModelHandle): ModelHandle {
  if (!(handle instanceof DeferredModelHandle)) return handle;
  const inner = handle.current;
  if (!inner) throw handle.notLoadedError();
  return inner;
}

/** As `runnableModel`, for a script. */
export function runnableScript(handle: ScriptHandle): ScriptHandle {
  if (!(handle instanceof DeferredScriptHandle)) return handle;
  const inner = handle.current;
  if (!inner) throw handle.notLoadedError();
  return inner;
}

/** The error a run of `handle` gets while it waits for its backend, or undefined when it can run. */
export function notRunnable(handle: ModelHandle | ScriptHandle): ReplyError | undefined {
  if ((handle instanceof DeferredModelHandle || handle instanceof DeferredScriptHandle) && !handle.attached) return handle.notLoadedError();
  return undefined;
}
