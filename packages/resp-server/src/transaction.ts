import type { CommandSpec } from './command-table.js';

/** Commands that act at once inside MULTI instead of being queued, as in Redis. */
const RUN_INSIDE_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export function runsInsideMulti(spec: CommandSpec): boolean {
  return RUN_INSIDE_MULTI.has(spec.name);
}

export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly argv: Buffer[];
}

/** One client's MULTI / WATCH state. */
export class Transaction {
  /** Between MULTI and EXEC / DISCARD. */
  active = false;
  /** A command was refused while queueing: EXEC answers EXECABORT. */
  aborted = false;
  /** A watched key changed: EXEC answers a null array. */
  dirty = false;
  readonly watched = new Set<string>();
  private queue: QueuedCommand[] = [];

  /** `onChange`: called when MULTI begins or ends. */
  constructor(private readonly onChange: () => void = () => undefined) {}

  /** Commands queued, or -1 outside MULTI (CLIENT LIST's multi field). */
  get count(): number {
    return this.active ? this.queue.length : -1;
  }

  begin(): void {
    this.active = true;
    this.aborted = false;
    this.queue = [];
    this.onChange();
  }

  add(command: QueuedCommand): void {
    this.queue.push(command);
  }

  /** A refused command inside MULTI dooms the transaction. */
  refused(): void {
    if (this.active) this.aborted = true;
  }

  /** Ends the MULTI block and hands over what was queued. */
  take(): QueuedCommand[] {
    const q = this.queue;
    this.queue = [];
    this.active = false;
    this.onChange();
    return q;
  }
}
