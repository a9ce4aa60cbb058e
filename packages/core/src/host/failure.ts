import { ReplyError, type ReplyErrorCode, isReplyError } from '../errors.js';
import { HeadReader, HeadWriter } from './head.js';

const MAX_MESSAGE_CHARS = 64 * 1024;
/** A code from a backend process is a word of capitals; anything else becomes ERR. */
const CODE = /^[A-Z]{1,16}$/;

/**
 * A failed load or run as it crosses to the server: a ReplyError keeps its code and message
 * (the engine passes those on unchanged), anything else is a plain Error with the backend's
 * message.
 */
export function encodeFailure(err: unknown): Buffer {
  const reply = isReplyError(err);
  const text = err instanceof Error ? err.message : String(err);
  const message = text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}...` : text;
  return new HeadWriter(message.length + 16)
    .u8(reply ? 1 : 0)
    .str(reply ? err.code : 'ERR')
    .str(message)
    .done();
}

export function decodeFailure(head: Buffer): Error {
  const r = new HeadReader(head);
  const reply = r.u8('kind') === 1;
  const code = r.str('code');
  const message = r.str('message');
  r.end();
  if (!reply) return new Error(message);
  return new ReplyError(message, (CODE.test(code) ? code : 'ERR') as ReplyErrorCode);
}
