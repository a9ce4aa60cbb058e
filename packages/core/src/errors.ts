/** The error word a reply starts with, as Redis clients expect it. */
export type ErrorCode = 'ERR' | 'WRONGTYPE';

/**
 * An error meant for the client: the server replies `-<code> <message>`.
 * Anything else thrown inside the engine is a bug and is reported as `ERR internal error: ...`.
 */
export class AIError extends Error {
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode = 'ERR') {
    super(message);
    this.name = 'AIError';
    this.code = code;
  }

  /** The reply line without the leading `-`. */
  get reply(): string {
    return `${this.code} ${this.message}`;
  }
}

export const WRONGTYPE_MESSAGE = 'Operation against a key holding the wrong kind of value';

export function wrongType(): AIError {
  return new AIError(WRONGTYPE_MESSAGE, 'WRONGTYPE');
}

/** Turns anything thrown into a client-facing error, keeping the backend's own reason. */
export function toAIError(err: unknown, context?: string): AIError {
  if (err instanceof AIError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AIError(context ? `${context}: ${oneLine(reason)}` : oneLine(reason));
}

/** RESP error lines cannot hold CR or LF. */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\r/g, ' ').trim();
}
