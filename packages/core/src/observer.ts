import type { BackendName } from './backend.js';

/** A model or script run that has finished, as the engine reports it to its observers. */
export interface RunRecord {
  readonly kind: 'model' | 'script';
  /** The key of the model or script, as the keyspace holds it (latin1: one char per byte). */
  readonly key: string;
  readonly backend: BackendName;
  /** The device the model or script was set on, upper-cased (`CPU`, `GPU:0`). */
  readonly device: string;
  /** Microseconds the backend took; 0 for a failed run (AI.INFO does not time those either). */
  readonly durationUs: number;
  /** The 0-th dimension of a model's first input; -1 for a script. */
  readonly batchSize: number;
  /** The run failed after it was submitted (AI.INFO's ERRORS). */
  readonly failed: boolean;
  /** The model or script left the keyspace while this run was in flight. */
  readonly removed: boolean;
}

/**
 * Told what the engine does, synchronously on the event loop, so each call must be cheap. An
 * observer that throws is logged and does not disturb the run or other observers.
 */
export interface EngineObserver {
  runFinished?(run: RunRecord): void;
  /** A model or script left the keyspace (deleted, overwritten or flushed): its statistics end. */
  removed?(kind: 'model' | 'script', key: string): void;
}

/** One run queue's occupancy. */
export interface QueueStats {
  /** The queue's name: its backend and device, e.g. `TORCH:CPU`. */
  readonly name: string;
  /** Runs executing now. */
  readonly running: number;
  /** Runs waiting for a slot (the queue's depth). */
  readonly waiting: number;
}

/** The tensors held in the keyspace. */
export interface TensorMemory {
  readonly count: number;
  /** Bytes of tensor data. */
  readonly bytes: number;
}
