import type { ScanResult, StoredModel, StoredScript, StoredValue, ValueKind } from './keyspace.js';
import type { TensorMemory } from './observer.js';

/**
 * One change to a store, in the order it happened. `flush` comes before the store is emptied,
 * so an observer can still see what is being removed. `begin` and `end` bracket changes that
 * belong together (a transaction, a run's outputs): an observer that records them must keep them
 * together, all or nothing.
 */
export type StoreChange =
  | { readonly type: 'set'; readonly key: string; readonly value: StoredValue }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'flush' }
  | { readonly type: 'begin' }
  | { readonly type: 'end' };

export type ChangeListener = (change: StoreChange) => void;

/** Told of each model or script that leaves a store (deleted, overwritten or flushed). */
export type RemovalListener = (key: string, value: StoredModel | StoredScript) => void;

/**
 * A point-in-time view of a store: the entries it held when the view was taken, whatever is
 * written afterwards. Stored values are immutable, so a view costs nothing until the store
 * changes, and then only the values replaced or removed before the view reached them.
 */
export interface StoreView {
  /** Entries present when the view was taken. */
  readonly total: number;
  /** The next entry, or undefined once every entry has been returned. */
  next(): [key: string, value: StoredValue] | undefined;
  /** Stops the view; required when it is abandoned before the end. */
  close(): void;
}

/**
 * Where the engine keeps its values: typed values under binary-safe keys (latin1 strings, one
 * char per byte). The in-memory `Keyspace` implements it; persistence observes it through
 * `onChange` and `view`, never through the commands that cause the changes.
 */
export interface ValueStore {
  readonly size: number;
  /** Bytes held by tensor data, model blobs and script sources. */
  readonly memoryUsage: number;
  /** The tensors held and their data's bytes. */
  readonly tensorMemory: TensorMemory;
  /** The part of memoryUsage that is model blobs (the server estimates backends' memory from it). */
  readonly modelBlobBytes: number;
  get(key: string): StoredValue | undefined;
  /** The value at `key` if it is of `kind`; a ReplyError when it is missing or of another kind. */
  getTyped<K extends ValueKind>(key: string, kind: K, what?: string): Extract<StoredValue, { kind: K }>;
  has(key: string): boolean;
  set(key: string, value: StoredValue): void;
  /** Sets `key` unless it holds a value of another kind: a WRONGTYPE ReplyError then, and nothing changes. */
  setSameKind(key: string, value: StoredValue): void;
  delete(key: string): boolean;
  flush(): void;
  keys(pattern?: string): string[];
  scan(cursor: number, count: number, pattern?: string, kind?: ValueKind): ScanResult;
  counts(): Record<ValueKind, number>;
  /** Every key holding a value of `kind`, in insertion order, with its value. */
  ofKind<K extends ValueKind>(kind: K): IterableIterator<[string, Extract<StoredValue, { kind: K }>]>;
  /** Brackets changes that belong together; groups nest, listeners see the outermost pair. */
  beginGroup(): void;
  endGroup(): void;
  /** Calls `listener` after every change, synchronously. Returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void;
  /**
   * Calls `listener` for each model or script that leaves the store, after its lease is dropped.
   * Returns a function that unsubscribes.
   */
  onRemove(listener: RemovalListener): () => void;
  view(): StoreView;
}
