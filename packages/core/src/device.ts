import type { Device } from './backend.js';
import { ReplyError } from './errors.js';

const DEVICE_RE = /^(CPU|GPU)(?::(\d{1,4}))?$/;

/** Parses `CPU`, `GPU` or `GPU:n` (any case). `CPU:n` is accepted as CPU, as the reference did. */
export function parseDevice(word: string): Device {
  const m = DEVICE_RE.exec(word.toUpperCase());
  if (!m) throw new ReplyError(`invalid device '${word}': expected CPU, GPU or GPU:n`);
  const kind = m[1] as Device['kind'];
  return { kind, index: kind === 'CPU' ? 0 : Number(m[2] ?? 0) };
}
