import { ErrorReply } from '@redis/client';
import type { Backend } from './types.js';

/** The word an error reply starts with: `ERR`, `WRONGTYPE`, or another server's own. */
export type ErrorCode = 'ERR' | 'WRONGTYPE' | (string & {});

/** An error reply from the server, with its message kept as sent. */
export class ModelkvError extends Error {
  /** The first word of the reply, e.g. `ERR` or `WRONGTYPE`. */
  readonly code: ErrorCode;
  /** The whole error line as the server sent it, without the leading `-`. */
  readonly serverMessage: string;

  constructor(serverMessage: string, options?: { cause?: unknown }) {
    super(serverMessage, options);
    this.name = 'ModelkvError';
    this.serverMessage = serverMessage;
    this.code = /^[A-Z][A-Z_]*(?=\s|$)/.exec(serverMessage)?.[0] ?? 'ERR';
  }
}

/** A key holds another kind of value than the command works on. */
export class WrongTypeError extends ModelkvError {
  constructor(serverMessage: string, options?: { cause?: unknown }) {
    super(serverMessage, options);
    this.name = 'WrongTypeError';
  }
}

/** A key the command reads is missing or empty. */
export class KeyNotFoundError extends ModelkvError {
  constructor(serverMessage: string, options?: { cause?: unknown }) {
    super(serverMessage, options);
    this.name = 'KeyNotFoundError';
  }
}

/** The backend a model or script needs has not been loaded with `AI.CONFIG LOADBACKEND`. */
export class BackendNotLoadedError extends ModelkvError {
  /** The backend named in the message, when it names one. */
  readonly backend: Backend | undefined;

  constructor(serverMessage: string, options?: { cause?: unknown }) {
    super(serverMessage, options);
    this.name = 'BackendNotLoadedError';
    const named = /\b(TF|TORCH|ONNX)\b/i.exec(serverMessage)?.[1]?.toUpperCase();
    this.backend = named as Backend | undefined;
  }
}

/** The server does not know the command: it is not a modelkv or RedisAI server. */
export class UnknownCommandError extends ModelkvError {
  constructor(serverMessage: string, options?: { cause?: unknown }) {
    super(serverMessage, options);
    this.name = 'UnknownCommandError';
  }
}

/** A reply that does not have the shape the command's definition expects. */
export class UnexpectedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedReplyError';
  }
}

// modelkv says "backend TORCH is not loaded: ..."; RedisAI says "ERR Backend not loaded: TORCH".
const BACKEND_NOT_LOADED = /\bbackend\b.*\bnot loaded\b/i;
// RedisAI 0.9 says "cannot get tensor from empty key", "no model at key", "Input key is empty";
// 1.2 says "model key is empty", "tensor key is empty or in a different shard".
const KEY_NOT_FOUND = /\bkey\b.*\b(?:is empty|does not exist)\b|\bfrom empty key\b|^ERR no (?:model|script) at key\b/i;
const UNKNOWN_COMMAND = /^ERR unknown (?:command|subcommand)\b/i;

/** The typed error for an error line from the server. */
export function errorFromReply(serverMessage: string, cause?: unknown): ModelkvError {
  const options = cause === undefined ? undefined : { cause };
  if (serverMessage.startsWith('WRONGTYPE')) return new WrongTypeError(serverMessage, options);
  if (UNKNOWN_COMMAND.test(serverMessage)) return new UnknownCommandError(serverMessage, options);
  if (BACKEND_NOT_LOADED.test(serverMessage)) return new BackendNotLoadedError(serverMessage, options);
  if (KEY_NOT_FOUND.test(serverMessage)) return new KeyNotFoundError(serverMessage, options);
  return new ModelkvError(serverMessage, options);
}

/**
 * Turns node-redis's error reply into the typed error; anything else (a closed connection, a
 * bad argument caught before sending) is returned as it is.
 */
export function toModelkvError(err: unknown): unknown {
  if (err instanceof ModelkvError) return err;
  if (err instanceof ErrorReply) return errorFromReply(err.message, err);
  return err;
}
