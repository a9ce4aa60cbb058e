/**
 * The first word of an error reply, as Redis clients expect it. `ERR` is the generic one;
 * clients branch on the others (node-redis, redis-py and RedisAI's clients all read this word).
 */
export type ReplyErrorCode =
  'ERR' | 'WRONGTYPE' | 'NOAUTH' | 'WRONGPASS' | 'NOPERM' | 'OOM' | 'EXECABORT' | 'NOPROTO' | 'BUSY' | 'TIMEDOUT';

/**
 * The brand that marks a ReplyError. A registered symbol is the same in every copy of this
 * package, so an error thrown by a backend built against another copy of core is still known.
 */
const REPLY_ERROR = Symbol.for('@modelkv/core.ReplyError');

/**
 * An error meant for the client: the server replies `-<code> <message>`. The engine, the
 * backends and the server's commands all throw this one type. Anything else thrown is a bug,
 * which the server reports as `ERR internal error: ...` and logs.
 */
export class ReplyError extends Error {
  readonly code: ReplyErrorCode;

  constructor(message: string, code: ReplyErrorCode = 'ERR') {
    super(message);
    this.name = 'ReplyError';
    this.code = code;
  }

  /** The reply line without the leading `-`. */
  get reply(): string {
    return `${this.code} ${this.message}`;
  }
}

Object.defineProperty(ReplyError.prototype, REPLY_ERROR, { value: true });

/** Whether `err` is a ReplyError, from this copy of core or another. */
export function isReplyError(err: unknown): err is ReplyError {
  return (
    err instanceof Error &&
    (err as unknown as Record<symbol, unknown>)[REPLY_ERROR] === true &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

export const WRONGTYPE_MESSAGE = 'Operation against a key holding the wrong kind of value';

export function wrongType(): ReplyError {
  return new ReplyError(WRONGTYPE_MESSAGE, 'WRONGTYPE');
}

/** Turns anything thrown into a client-facing error, keeping the backend's own reason. */
export function toReplyError(err: unknown, context?: string): ReplyError {
  if (isReplyError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new ReplyError(context ? `${context}: ${oneLine(reason)}` : oneLine(reason));
}

/** RESP error lines cannot hold CR or LF. */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\r/g, ' ').trim();
}
