/**
 * Callbacks for a signal's abort, kept in one Set per signal behind a single listener: a run
 * watches its client's signal only while it waits, and adding and removing an EventTarget
 * listener for each run cost more than the rest of queueing it. A signal is a connection's, so
 * it outlives many runs; its Set and listener go with it.
 */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts, unless `unwatchAbort` comes first. `signal` must not be aborted yet. */
export function watchAbort(signal: AbortSignal, fn: () => void): void {
  let set = watchers.get(signal);
  if (!set) {
    const fns = new Set<() => void>();
    set = fns;
    watchers.set(signal, fns);
    signal.addEventListener(
      'abort',
      () => {
        const all = [...fns];
        fns.clear();
        for (const f of all) f();
      },
      { once: true },
    );
  }
  set.add(fn);
}

export function unwatchAbort(signal: AbortSignal, fn: () => void): void {
  watchers.get(signal)?.delete(fn);
}
