/**
 * Lets one client run alone: an EXEC whose commands wait on the engine (a model run), SAVE,
 * DEBUG RELOAD, SHUTDOWN. Redis runs these while every other client waits; so does this server:
 * while a client holds the gate, every other client's next command waits until it is released.
 *
 * Runs already in flight are not waited for by default (a run that never ends must not stop the
 * server); `drain` waits for them first, holding new commands meanwhile (DEBUG RELOAD, whose
 * reload must not interleave with a run storing its outputs). Commands that wait on the engine
 * are counted with `started` / `finished` for that. Clients ask `holds` before each command,
 * unless the gate is idle; `onChange` is called when it stops or starts being idle.
 */
export class ExecGate {
  private owner: object | null = null;
  private depth = 0;
  /** Commands in flight that wait on the engine, except those waiting here. */
  private active = 0;
  private readonly waiting: { who: object; drain: boolean; resolve: () => void }[] = [];
  private held: (() => void)[] = [];

  constructor(private readonly onChange: () => void = () => undefined) {}

  /** Nobody runs alone or waits to: `holds` is false for everyone. */
  get idle(): boolean {
    return this.owner === null && this.waiting.length === 0;
  }

  /** Whether `who` must hold its next command until `hold`'s callback. */
  holds(who: object): boolean {
    return this.owner !== null ? this.owner !== who : this.waiting.length > 0;
  }

  /** Calls `resume` once nobody runs alone any more. */
  hold(resume: () => void): void {
    this.held.push(resume);
  }

  /** A command that waits on the engine began. */
  started(): void {
    this.active++;
  }

  finished(): void {
    this.active--;
    this.grant();
  }

  /**
   * Resolves once `who` runs alone. Must be called from a command counted with `started` (it
   * stops counting while it waits); nests for the owner.
   */
  async acquire(who: object, options: { readonly drain?: boolean } = {}): Promise<void> {
    if (this.owner === who) {
      this.depth++;
      return;
    }
    this.active--;
    await new Promise<void>((resolve) => {
      this.waiting.push({ who, drain: options.drain ?? false, resolve });
      if (!this.grant()) this.onChange();
    });
  }

  release(who: object): void {
    if (this.owner !== who || --this.depth > 0) return;
    this.owner = null;
    if (this.grant()) return;
    this.onChange();
    if (this.waiting.length === 0 && this.held.length > 0) {
      const held = this.held;
      this.held = [];
      // After the owner's own reply is on its way.
      setImmediate(() => {
        for (const resume of held) resume();
      });
    }
  }

  /** Hands the gate to the next waiter (once nothing runs, if it drains); whether it did. */
  private grant(): boolean {
    const next = this.waiting[0];
    if (this.owner !== null || !next || (next.drain && this.active > 0)) return false;
    this.waiting.shift();
    this.owner = next.who;
    this.depth = 1;
    this.active++;
    this.onChange();
    next.resolve();
    return true;
  }
}

/** Runs `fn` with `who` alone (see ExecGate); `who` must be a command counted as started. */
export async function exclusively<T>(
  gate: ExecGate,
  who: object,
  fn: () => Promise<T>,
  options: { readonly drain?: boolean } = {},
): Promise<T> {
  await gate.acquire(who, options);
  try {
    return await fn();
  } finally {
    gate.release(who);
  }
}
