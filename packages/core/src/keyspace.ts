import type { BackendName, ModelHandle, ScriptHandle } from './backend.js';
import { ReplyError, wrongType } from './errors.js';
import { globMatch } from './glob.js';
import { latin1String } from './latin1.js';
import type { TensorMemory } from './observer.js';
import { RunStats } from './stats.js';
import type { ChangeListener, RemovalListener, StoreChange, StoreView, ValueStore } from './store.js';
import type { Tensor } from './tensor.js';

/**
 * A key as callers give it: a Buffer holds raw bytes (what arrives on the wire), a string is
 * UTF-8 text. Internally keys are latin1 strings, one char per byte, so both map to the same
 * entry and binary keys stay exact.
 */
export type Key = Buffer | string;

export function keyString(key: Key): string {
  if (typeof key !== 'string') return key.length <= 16 ? latin1String(key) : key.toString('latin1');
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(key) ? key : Buffer.from(key, 'utf8').toString('latin1');
}

export function keyBuffer(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/**
 * How runs of a model from different clients are batched (RedisAI's BATCHSIZE, MINBATCHSIZE,
 * MINBATCHTIMEOUT). All zero: every run goes alone.
 */
export interface BatchingPolicy {
  /** Largest sum of the inputs' 0-th dimensions run at once; 0 turns batching off. */
  readonly batchSize: number;
  /** A batch waits until it holds this many samples (0: it never waits). */
  readonly minBatchSize: number;
  /** Milliseconds a waiting batch holds out for minBatchSize before it runs anyway (0: forever). */
  readonly minBatchTimeoutMs: number;
}

export const NO_BATCHING: BatchingPolicy = Object.freeze({ batchSize: 0, minBatchSize: 0, minBatchTimeoutMs: 0 });

/** What describes a stored model besides its backend handle: everything needed to store it again. */
export interface ModelRecord {
  readonly backend: BackendName;
  /** As given (upper case): `CPU`, `GPU`, `GPU:1`. */
  readonly device: string;
  /** A free-form label (TAG), empty when none was given. */
  readonly tag: string;
  readonly batching: BatchingPolicy;
  /** Input node names (TF). */
  readonly inputs: readonly string[];
  /** Output node names (TF). */
  readonly outputs: readonly string[];
  /** The serialized model, as the client sent it (chunks joined). */
  readonly blob: Buffer;
}

export interface StoredModel extends ModelRecord {
  readonly kind: 'model';
  /** The key it is stored under (latin1). */
  readonly key: string;
  readonly handle: ModelHandle;
  readonly stats: RunStats;
  readonly lease: Lease;
}

/** What describes a stored script besides its backend handle. */
export interface ScriptRecord {
  readonly device: string;
  readonly tag: string;
  /** Functions callable with AI.SCRIPTEXECUTE's calling convention; empty for AI.SCRIPTSET scripts. */
  readonly entryPoints: readonly string[];
  readonly source: string;
}

export interface StoredScript extends ScriptRecord {
  readonly kind: 'script';
  /** The key it is stored under (latin1). */
  readonly key: string;
  readonly handle: ScriptHandle;
  readonly stats: RunStats;
  readonly lease: Lease;
}

export interface StoredTensor {
  readonly kind: 'tensor';
  readonly tensor: Tensor;
}

export type StoredValue = StoredTensor | StoredModel | StoredScript;
export type ValueKind = StoredValue['kind'];

/** RedisAI 1.2's errors for a key without a value, which the engine uses when the caller gives none. */
export const EMPTY_KEY_MESSAGES: Record<ValueKind, string> = {
  tensor: 'tensor key is empty or in a different shard',
  model: 'model key is empty',
  script: 'script key is empty',
};

/** Module-style type names TYPE reports, as the reference did. */
export const TYPE_NAMES: Record<ValueKind, string> = {
  tensor: 'AI_TENSOR',
  model: 'AI__MODEL',
  script: 'AI_SCRIPT',
};

/**
 * Keeps a backend handle alive while runs use it: the handle is released once it has been
 * removed from the keyspace and its last run has settled.
 */
export class Lease {
  private runs = 0;
  private dropped = false;

  /** `release` reports its own failures (the engine logs them): nothing waits on it. */
  constructor(private readonly release: () => Promise<void>) {}

  acquire(): void {
    this.runs++;
  }

  settle(): void {
    this.runs--;
    this.maybeRelease();
  }

  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.maybeRelease();
  }

  private maybeRelease(): void {
    if (this.dropped && this.runs === 0) {
      this.runs = -1;
      void Promise.resolve().then(this.release);
    }
  }
}

interface Entry {
  /** Insertion sequence: SCAN cursors are built on it. */
  readonly seq: number;
  /** Replaced in place when the key is overwritten (the entry keeps its place and sequence). */
  value: StoredValue;
}

export interface ScanResult {
  readonly cursor: number;
  readonly keys: string[];
}

/**
 * The in-memory keyspace: typed values under binary-safe keys (latin1 strings). Every change is
 * reported to the listeners, and point-in-time views can be taken while writes go on.
 */
export class Keyspace implements ValueStore {
  private readonly entries = new Map<string, Entry>();
  private nextSeq = 1;
  private bytes = 0;
  private listeners: ChangeListener[] = [];
  private views: KeyspaceView[] = [];
  private groupDepth = 0;
  private removalListeners: RemovalListener[] = [];
  private tensors = 0;
  private tensorBytes = 0;
  private modelBytes = 0;

  /** `onRemove`, if given, is subscribed as with `onRemove()`. */
  constructor(onRemove?: RemovalListener) {
    if (onRemove) this.removalListeners.push(onRemove);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held by tensor data, model blobs and script sources. */
  get memoryUsage(): number {
    return this.bytes;
  }

  /** The tensors held and their data's bytes. */
  get tensorMemory(): TensorMemory {
    return { count: this.tensors, bytes: this.tensorBytes };
  }

  /** The part of memoryUsage that is model blobs (the server estimates backends' memory from it). */
  get modelBlobBytes(): number {
    return this.modelBytes;
  }

  get(key: string): StoredValue | undefined {
    return this.entries.get(key)?.value;
  }

  /** The value at `key` if it is of `kind`; otherwise `emptyMessage` (no value) or WRONGTYPE. */
  getTyped<K extends ValueKind>(key: string, kind: K, emptyMessage = EMPTY_KEY_MESSAGES[kind]): Extract<StoredValue, { kind: K }> {
    const v = this.entries.get(key)?.value;
    if (!v) throw new ReplyError(emptyMessage);
    if (v.kind !== kind) throw wrongType();
    return v as Extract<StoredValue, { kind: K }>;
  }

  set(key: string, value: StoredValue): void {
    this.store(key, value, this.entries.get(key));
  }

  /**
   * Sets `key` unless it holds a value of another kind (WRONGTYPE then, and nothing changes):
   * one lookup of the key for both.
   */
  setSameKind(key: string, value: StoredValue): void {
    const old = this.entries.get(key);
    if (old && old.value.kind !== value.kind) throw wrongType();
    this.store(key, value, old);
  }

  private store(key: string, value: StoredValue, old: Entry | undefined): void {
    if (old) {
      if (this.views.length !== 0) this.preserve(key, old);
      this.forget(key, old.value);
      // Overwriting keeps the key's place in iteration order, and so its SCAN position.
      old.value = value;
    } else {
      this.entries.set(key, { seq: this.nextSeq++, value });
    }
    this.bytes += sizeOf(value);
    if (value.kind === 'tensor') {
      this.tensors++;
      this.tensorBytes += value.tensor.memoryUsage;
    } else if (value.kind === 'model') {
      this.modelBytes += value.blob.length;
    }
    if (this.listeners.length !== 0) this.emit({ type: 'set', key, value });
  }

  delete(key: string): boolean {
    const old = this.entries.get(key);
    if (!old) return false;
    if (this.views.length !== 0) this.preserve(key, old);
    this.entries.delete(key);
    this.forget(key, old.value);
    if (this.listeners.length !== 0) this.emit({ type: 'delete', key });
    return true;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  flush(): void {
    if (this.listeners.length !== 0) this.emit({ type: 'flush' });
    if (this.views.length !== 0) for (const [k, e] of this.entries) this.preserve(k, e);
    for (const [key, e] of this.entries) this.forget(key, e.value);
    this.entries.clear();
  }

  keys(pattern?: string): string[] {
    const out: string[] = [];
    for (const k of this.entries.keys()) if (pattern === undefined || pattern === '*' || globMatch(pattern, k)) out.push(k);
    return out;
  }

  /**
   * Walks keys in insertion order from `cursor`, visiting about `count` entries. Every key
   * present for the whole scan is returned at least once, as Redis's SCAN guarantees.
   */
  scan(cursor: number, count: number, pattern?: string, kind?: ValueKind): ScanResult {
    const keys: string[] = [];
    let visited = 0;
    for (const [k, e] of this.entries) {
      if (e.seq < cursor) continue;
      if (visited >= count) return { cursor: e.seq, keys };
      visited++;
      if (kind && e.value.kind !== kind) continue;
      if (pattern !== undefined && pattern !== '*' && !globMatch(pattern, k)) continue;
      keys.push(k);
    }
    return { cursor: 0, keys };
  }

  /** Every key holding a value of `kind`, in insertion order, with its value. */
  *ofKind<K extends ValueKind>(kind: K): IterableIterator<[string, Extract<StoredValue, { kind: K }>]> {
    for (const [k, e] of this.entries) if (e.value.kind === kind) yield [k, e.value as Extract<StoredValue, { kind: K }>];
  }

  counts(): Record<ValueKind, number> {
    const c: Record<ValueKind, number> = { tensor: 0, model: 0, script: 0 };
    for (const e of this.entries.values()) c[e.value.kind]++;
    return c;
  }

  beginGroup(): void {
    if (this.groupDepth++ === 0 && this.listeners.length !== 0) this.emit({ type: 'begin' });
  }

  endGroup(): void {
    if (this.groupDepth === 0) return;
    if (--this.groupDepth === 0 && this.listeners.length !== 0) this.emit({ type: 'end' });
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  onRemove(listener: RemovalListener): () => void {
    this.removalListeners = [...this.removalListeners, listener];
    return () => {
      this.removalListeners = this.removalListeners.filter((l) => l !== listener);
    };
  }

  view(): StoreView {
    const view = new KeyspaceView(this.entries, this.nextSeq, (v) => {
      this.views = this.views.filter((x) => x !== v);
    });
    this.views = [...this.views, view];
    return view;
  }

  private emit(change: StoreChange): void {
    // A copy-on-subscribe array: a listener that unsubscribes here does not disturb the loop.
    for (const l of this.listeners) l(change);
  }

  private preserve(key: string, entry: Entry): void {
    for (const v of this.views) v.preserve(key, entry);
  }

  private forget(key: string, value: StoredValue): void {
    this.bytes -= sizeOf(value);
    if (value.kind === 'tensor') {
      this.tensors--;
      this.tensorBytes -= value.tensor.memoryUsage;
      return;
    }
    if (value.kind === 'model') this.modelBytes -= value.blob.length;
    value.lease.drop();
    for (const l of this.removalListeners) l(key, value);
  }
}

/**
 * The entries with a sequence number below `limit`, as they were when the view was taken. It
 * walks the live map in insertion (= sequence) order; a value replaced or removed before the walk
 * reached it was handed to `preserve` first, and is returned instead of the live one (or, for a
 * removed key, after the walk).
 */
class KeyspaceView implements StoreView {
  readonly total: number;
  private readonly iterator: Iterator<[string, Entry]>;
  private readonly preserved = new Map<string, StoredValue>();
  /** Sequence of the last entry the walk returned: entries up to it need no preserving. */
  private reached = 0;
  private walking = true;
  private tail: Iterator<[string, StoredValue]> | undefined;
  private closed = false;

  constructor(
    entries: Map<string, Entry>,
    private readonly limit: number,
    private readonly onClose: (view: KeyspaceView) => void,
  ) {
    this.total = entries.size;
    this.iterator = entries.entries();
  }

  preserve(key: string, entry: Entry): void {
    if (entry.seq >= this.limit || entry.seq <= this.reached || this.preserved.has(key)) return;
    if (!this.walking) return;
    this.preserved.set(key, entry.value);
  }

  next(): [string, StoredValue] | undefined {
    if (this.closed) return undefined;
    while (this.walking) {
      const step = this.iterator.next();
      if (step.done) {
        this.walking = false;
        break;
      }
      const [key, entry] = step.value;
      if (entry.seq >= this.limit) continue;
      this.reached = entry.seq;
      const old = this.preserved.get(key);
      if (old !== undefined) {
        this.preserved.delete(key);
        return [key, old];
      }
      return [key, entry.value];
    }
    this.tail ??= this.preserved.entries();
    const step = this.tail.next();
    if (!step.done) return step.value;
    this.close();
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.preserved.clear();
    this.onClose(this);
  }
}

function sizeOf(v: StoredValue): number {
  switch (v.kind) {
    case 'tensor':
      return v.tensor.memoryUsage;
    case 'model':
      return v.blob.length;
    case 'script':
      return Buffer.byteLength(v.source);
  }
}
