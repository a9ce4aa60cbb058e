/** An error reply with its own first word (WRONGPASS, NOPROTO), not core's ERR or WRONGTYPE. */
export class ReplyError extends Error {
  constructor(readonly reply: string) {
    super(reply);
    this.name = 'ReplyError';
  }
}

/**
 * An error meant for the client: core's AIError or a ReplyError. Checked by shape rather than
 * class, so an error from a backend built against another copy of core is still recognised.
 */
export function isClientError(err: unknown): err is Error & { reply: string } {
  if (err instanceof ReplyError) return true;
  return err instanceof Error && err.name === 'AIError' && typeof (err as { reply?: unknown }).reply === 'string';
}
