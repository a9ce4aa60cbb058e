/**
 * A run that waited in its queue longer than the TIMEOUT its request gave. Not an error reply:
 * RedisAI 1.2 answers such a request with the simple string `TIMEDOUT`.
 */
export class RunTimedOut extends Error {
  readonly timedOut = true;

  constructor(readonly timeoutMs: number) {
    super(`the run waited more than ${timeoutMs} ms in its queue`);
    this.name = 'RunTimedOut';
  }
}

/** Recognises a RunTimedOut, also one from another copy of core. */
export function isRunTimedOut(err: unknown): err is RunTimedOut {
  return err instanceof Error && (err as { timedOut?: unknown }).timedOut === true;
}
