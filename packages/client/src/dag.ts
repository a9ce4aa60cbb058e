import { type CommandParser, ErrorReply } from '@redis/client';
import { type ModelkvError, UnexpectedReplyError, errorFromReply } from './errors.js';
import { replyArray, replyText } from './reply.js';
import { decodeTensorReply } from './tensor-reply.js';
import type { Key, RunOptions, ScriptExecuteOptions, TensorFormat, TensorInput, TensorReply } from './types.js';
import { pushCounted, pushScriptExecute, pushTensor } from './wire-args.js';

/** One `|>` step of a DAG. Its keys name tensors of the DAG: LOADed, or set by an earlier step. */
export type DagStep =
  | { readonly kind: 'tensorset'; readonly key: Key; readonly tensor: TensorInput }
  | { readonly kind: 'tensorget'; readonly key: Key; readonly format: TensorFormat }
  | { readonly kind: 'modelexecute'; readonly key: Key; readonly run: RunOptions }
  | { readonly kind: 'scriptexecute'; readonly key: Key; readonly fn: string; readonly run: DagScriptRun };

/** A script step's arguments: KEYS and TIMEOUT belong to the DAG, not to its steps. */
export type DagScriptRun = Omit<ScriptExecuteOptions, 'keys' | 'timeout'>;

/** What comes before the steps. */
export interface DagOptions {
  /** Tensors read from the keyspace into the DAG before the first step. */
  readonly load?: readonly Key[];
  /** Tensors of the DAG written to the keyspace once every step has succeeded. */
  readonly persist?: readonly Key[];
  /** Keys the steps may touch (RedisAI 1.2's KEYS). */
  readonly keys?: readonly Key[];
  /** A key to route the DAG by in a cluster; not read or written. */
  readonly routing?: Key;
  /** Milliseconds the DAG may wait in its queue before it is dropped and answered `TIMEDOUT`. */
  readonly timeout?: number;
  /** AI.DAGEXECUTE_RO: no PERSIST, no script steps; may run on replicas. */
  readonly readonly?: boolean;
}

export interface DagRequest {
  readonly options: DagOptions;
  readonly steps: readonly DagStep[];
}

/** A step's reply: its value, the error it failed with, or `NA` for a step after a failed one. */
export type DagStepReply<T> = T | ModelkvError | 'NA';

/** A DAG's reply: one entry per step, or `TIMEDOUT` when the DAG waited past its TIMEOUT. */
export type DagReply<R extends readonly unknown[]> = { -readonly [K in keyof R]: DagStepReply<R[K]> } | 'TIMEDOUT';

/**
 * A DAG under construction: each method adds a step and returns a new builder whose reply type
 * has that step's reply appended, so `execute()` resolves to a typed tuple.
 *
 * ```ts
 * const [, , out] = await client.dag({ load: ['a'] })
 *   .tensorSet('b', { data: new Float32Array([2]) })
 *   .modelExecute('m', { inputs: ['a', 'b'], outputs: ['c'] })
 *   .tensorGet('c', 'VALUES')
 *   .execute();
 * ```
 */
export class Dag<R extends readonly unknown[] = []> {
  readonly options: DagOptions;
  readonly steps: readonly DagStep[];
  private readonly send: ((request: DagRequest) => Promise<unknown>) | undefined;

  constructor(options: DagOptions = {}, steps: readonly DagStep[] = [], send?: (request: DagRequest) => Promise<unknown>) {
    this.options = options;
    this.steps = steps;
    this.send = send;
  }

  private with<T>(step: DagStep): Dag<[...R, T]> {
    return new Dag<[...R, T]>(this.options, [...this.steps, step], this.send);
  }

  tensorSet(key: Key, tensor: TensorInput): Dag<[...R, 'OK']> {
    return this.with<'OK'>({ kind: 'tensorset', key, tensor });
  }

  tensorGet(key: Key): Dag<[...R, TensorReply<'BLOB'>]>;
  tensorGet<F extends TensorFormat>(key: Key, format: F): Dag<[...R, TensorReply<F>]>;
  tensorGet(key: Key, format: TensorFormat = 'BLOB'): Dag<[...R, TensorReply<TensorFormat>]> {
    return this.with<TensorReply<TensorFormat>>({ kind: 'tensorget', key, format });
  }

  modelExecute(key: Key, run: RunOptions): Dag<[...R, 'OK']> {
    return this.with<'OK'>({ kind: 'modelexecute', key, run });
  }

  scriptExecute(key: Key, fn: string, run: DagScriptRun): Dag<[...R, 'OK']> {
    return this.with<'OK'>({ kind: 'scriptexecute', key, fn, run });
  }

  /** The request, for `client.ai.dagExecute(request)` on a node-redis client. */
  request(): DagRequest {
    return { options: this.options, steps: this.steps };
  }

  /** Sends the DAG (a builder from `ModelkvClient.dag()`). */
  async execute(): Promise<DagReply<R>> {
    if (!this.send) throw new TypeError('this Dag has no client: build it with ModelkvClient.dag(), or send request() yourself');
    return (await this.send(this.request())) as DagReply<R>;
  }
}

/** The arguments after the command name: header, then each step after `|>`. */
export function pushDag(parser: CommandParser, request: DagRequest): void {
  const o = request.options;
  if (o.load?.length) pushCounted(parser, 'LOAD', o.load, true);
  if (o.persist?.length) pushCounted(parser, 'PERSIST', o.persist, true);
  if (o.keys?.length) pushCounted(parser, 'KEYS', o.keys, true);
  if (o.routing !== undefined) {
    parser.push('ROUTING');
    parser.pushKey(o.routing);
  }
  if (o.timeout !== undefined) parser.push('TIMEOUT', String(o.timeout));
  for (const step of request.steps) {
    parser.push('|>');
    pushStep(parser, step);
  }
  parser.preserve = request.steps.map((s) => (s.kind === 'tensorget' ? s.format : null));
}

/** Step keys are tensors of the DAG, not keys of the keyspace: plain arguments. */
function pushStep(parser: CommandParser, step: DagStep): void {
  switch (step.kind) {
    case 'tensorset':
      parser.push('AI.TENSORSET', step.key);
      pushTensor(parser, step.tensor);
      return;
    case 'tensorget':
      // META with the data: a DAG answers in RedisAI 1.2's shapes, which need META for the dtype.
      parser.push('AI.TENSORGET', step.key, 'META');
      if (step.format !== 'META') parser.push(step.format);
      return;
    case 'modelexecute':
      parser.push('AI.MODELEXECUTE', step.key);
      pushCounted(parser, 'INPUTS', step.run.inputs, false);
      pushCounted(parser, 'OUTPUTS', step.run.outputs, false);
      return;
    case 'scriptexecute':
      parser.push('AI.SCRIPTEXECUTE', step.key);
      pushScriptExecute(parser, step.fn, { inputs: step.run.inputs, args: step.run.args, outputs: step.run.outputs }, false);
      return;
  }
}

/** The reply of AI.DAGEXECUTE: `TIMEDOUT`, or each step's reply decoded (errors as ModelkvError). */
export function decodeDagReply(reply: unknown, formats: unknown): DagReply<unknown[]> {
  if (typeof reply === 'string' || Buffer.isBuffer(reply)) {
    const word = replyText(reply, 'AI.DAGEXECUTE');
    if (word === 'TIMEDOUT') return 'TIMEDOUT';
    throw new UnexpectedReplyError(`AI.DAGEXECUTE: expected an array or TIMEDOUT, got '${word}'`);
  }
  const stepFormats = Array.isArray(formats) ? (formats as (TensorFormat | null)[]) : [];
  return replyArray(reply, 'AI.DAGEXECUTE').map((r, i) => {
    if (r instanceof ErrorReply) return errorFromReply(r.message, r);
    const format = stepFormats[i];
    if (format) {
      if (!Array.isArray(r) && replyText(r, 'AI.DAGEXECUTE step') === 'NA') return 'NA';
      return decodeTensorReply(r, format, 'AI.DAGEXECUTE AI.TENSORGET');
    }
    const word = replyText(r, 'AI.DAGEXECUTE step');
    if (word !== 'OK' && word !== 'NA') throw new UnexpectedReplyError(`AI.DAGEXECUTE: unexpected step reply '${word}'`);
    return word;
  });
}
