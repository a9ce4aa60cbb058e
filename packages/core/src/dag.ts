import type { Engine, RunRequest, ScriptCall } from './engine.js';
import { ReplyError, toReplyError } from './errors.js';
import type { StoredModel, StoredScript } from './keyspace.js';
import type { Tensor } from './tensor.js';
import { isRunWaitTimedOut } from './run-queue.js';

/** One step of a DAG. Tensor names are local to the DAG unless LOADed or PERSISTed. */
export type DagStep =
  | { readonly kind: 'tensorset'; readonly key: string; readonly tensor: Tensor }
  | { readonly kind: 'tensorget'; readonly key: string }
  | {
      readonly kind: 'model';
      readonly model: StoredModel;
      readonly inputs: readonly string[];
      readonly outputs: readonly string[];
    }
  | {
      readonly kind: 'script';
      readonly script: StoredScript;
      /** The call without its tensors: those are the DAG's tensors named by `inputs`. */
      readonly call: DagScriptCall;
      readonly inputs: readonly string[];
      readonly outputs: readonly string[];
    };

/** How a script step calls its function: tensor arguments, or an entry point with keys and args. */
export type DagScriptCall =
  | { readonly fn: string }
  | { readonly fn: string; readonly entryPoint: { readonly keys: readonly string[]; readonly args: readonly string[] } };

/** A DAG ready to run: tensors loaded from the keyspace when it was read, its steps, what to keep. */
export interface DagPlan {
  readonly load: ReadonlyMap<string, Tensor>;
  readonly steps: readonly DagStep[];
  /** Keys whose final tensors are stored in the keyspace once every step has succeeded. */
  readonly persist: readonly string[];
  /** Milliseconds the whole DAG may wait in run queues (0: no limit). */
  readonly timeoutMs: number;
  /** Aborted when the DAG's client has gone: steps not yet started are dropped. */
  readonly signal?: AbortSignal;
}

/** What one step gave: `OK`, a tensor (TENSORGET), an error, or nothing because an earlier step failed. */
export type DagStepResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'tensor'; readonly tensor: Tensor }
  | { readonly kind: 'error'; readonly error: ReplyError }
  | { readonly kind: 'skipped' };

export type DagOutcome = { readonly timedOut: true } | { readonly timedOut: false; readonly results: readonly DagStepResult[] };

/**
 * Checks, before anything runs, that every tensor a step reads and every PERSIST key is LOADed
 * or written by an earlier step, with RedisAI 1.2's words.
 */
export function validateDag(plan: Pick<DagPlan, 'load' | 'steps' | 'persist'>): void {
  const known = new Set(plan.load.keys());
  for (const step of plan.steps) {
    const reads = step.kind === 'tensorget' ? [step.key] : step.kind === 'tensorset' ? [] : step.inputs;
    for (const k of reads) if (!known.has(k)) throw new ReplyError('INPUT key cannot be found in DAG');
    const writes = step.kind === 'tensorset' ? [step.key] : step.kind === 'tensorget' ? [] : step.outputs;
    for (const k of writes) known.add(k);
  }
  for (const k of plan.persist) if (!known.has(k)) throw new ReplyError('PERSIST key cannot be found in DAG');
}

/**
 * Runs a DAG's steps in order, each model and script step through the run queue of its backend
 * and device, as any run (MODEL_EXECUTION_TIMEOUT, batching, dropped when the client has gone
 * before it started). Intermediate tensors stay in the DAG. After a failed step the rest are
 * skipped and nothing is persisted; a DAG that waits in queues longer than its TIMEOUT is
 * dropped as a whole.
 */
export async function runDag(engine: Engine, plan: DagPlan): Promise<DagOutcome> {
  const tensors = new Map(plan.load);
  const results: DagStepResult[] = [];
  const deadline = plan.timeoutMs > 0 ? Date.now() + plan.timeoutMs : 0;
  let failed = false;
  for (const step of plan.steps) {
    if (failed) {
      results.push({ kind: 'skipped' });
      continue;
    }
    const queueTimeoutMs = deadline > 0 ? Math.max(1, deadline - Date.now()) : 0;
    try {
      results.push(await runStep(engine, step, tensors, { queueTimeoutMs, ...(plan.signal ? { signal: plan.signal } : {}) }));
    } catch (err) {
      if (isRunWaitTimedOut(err)) return { timedOut: true };
      failed = true;
      results.push({ kind: 'error', error: toReplyError(err) });
    }
  }
  if (!failed)
    engine.storeOutputs(
      plan.persist,
      plan.persist.map((k) => tensors.get(k) ?? null),
    );
  return { timedOut: false, results };
}

async function runStep(engine: Engine, step: DagStep, tensors: Map<string, Tensor>, request: RunRequest): Promise<DagStepResult> {
  const input = (k: string): Tensor => {
    const t = tensors.get(k);
    // A step that skipped an output (one that is not a tensor) leaves its name unset.
    if (!t) throw new ReplyError(`tensor '${k}' was not produced by an earlier step of the DAG`);
    return t;
  };
  switch (step.kind) {
    case 'tensorset':
      tensors.set(step.key, step.tensor);
      return { kind: 'ok' };
    case 'tensorget':
      return input(step.key);
    case 'model': {
      const outputs = await engine.runModel(step.model, step.inputs.map(input), step.outputs.length, request);
      step.outputs.forEach((k, i) => {
        const t = outputs[i];
        if (t) tensors.set(k, t);
      });
      return { kind: 'ok' };
    }
    case 'script': {
      const inputs = step.inputs.map(input);
      const call: ScriptCall =
        'entryPoint' in step.call
          ? { fn: step.call.fn, entryPoint: { ...step.call.entryPoint, tensors: inputs } }
          : { fn: step.call.fn, inputs };
      const outputs = await engine.runScript(step.script, call, step.outputs.length, request);
      step.outputs.forEach((k, i) => tensors.set(k, outputs[i]!));
      return { kind: 'ok' };
    }
  }
}
