import type { BackendConfig } from '../backend.js';
import { DTYPES, type DType } from '../dtype.js';
import type { LogLevel } from '../logger.js';
import { HeadReader, HeadWriter, ProtocolError } from './head.js';

/** Frame types. The server sends the first group, the backend process the second. */
export const Msg = {
  Hello: 1,
  LoadModel: 2,
  CompileScript: 3,
  Run: 4,
  Cancel: 5,
  Release: 6,

  Ready: 64,
  InitFailed: 65,
  Loaded: 66,
  Result: 67,
  Failed: 68,
  Dropped: 69,
  Log: 70,
} as const;

/** The file descriptor of the backend process that carries frames (a socketpair end). */
export const CHANNEL_FD = 3;

/** What the server tells a new backend process (the Hello frame). */
export interface HelloMessage {
  readonly name: string;
  /** The path as the operator gave it, for messages. */
  readonly path: string;
  /** The module file to import. */
  readonly entry: string;
  readonly config: BackendConfig;
  /** Runs executing at once on each device's queue. */
  readonly threadsPerQueue: number;
  /** Largest tensor either side accepts. */
  readonly maxTensorBytes: number;
}

/** What a backend process reports once its backend is imported and initialised. */
export interface ReadyMessage {
  readonly version: string;
  readonly devices: readonly string[];
  readonly unavailableReason?: string;
  readonly scripts: boolean;
}

/** What a loaded model or compiled script reports about itself. */
export interface LoadedMessage {
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
  readonly functionNames?: readonly string[];
}

export interface TensorFields {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

const DTYPE_CODE: ReadonlyMap<string, number> = new Map(DTYPES.map((d, i) => [d, i]));
const MAX_NAMES = 65535;
const MAX_NAME_CHARS = 64 * 1024;

/** Writes a tensor's dtype and shape; its data goes in a section of its own. */
export function writeTensorMeta(w: HeadWriter, t: TensorFields): void {
  const code = DTYPE_CODE.get(t.dtype);
  if (code === undefined) throw new ProtocolError(`unknown dtype '${t.dtype}'`);
  if (t.shape.length > 0xffff) throw new ProtocolError(`tensor of ${t.shape.length} dimensions`);
  w.u8(code).u16(t.shape.length);
  for (const d of t.shape) w.f64(d);
}

export function readTensorMeta(r: HeadReader): { dtype: DType; shape: number[] } {
  const dtype = DTYPES[r.u8('dtype')];
  if (dtype === undefined) throw new ProtocolError('unknown dtype code');
  const ndim = r.u16('rank');
  const shape = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) shape[i] = r.count(Number.MAX_SAFE_INTEGER, 'dimension');
  return { dtype, shape };
}

const LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

export function encodeLog(level: LogLevel, message: string): Buffer {
  return new HeadWriter().u8(LEVELS.indexOf(level)).str(message).done();
}

export function decodeLog(head: Buffer): { level: LogLevel; message: string } {
  const r = new HeadReader(head);
  const level = LEVELS[r.u8('level')] ?? 'warning';
  const message = r.str('message');
  r.end();
  return { level, message };
}

function stringList(v: unknown, what: string): readonly string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > MAX_NAMES) throw new ProtocolError(`invalid ${what}`);
  for (const s of v) if (typeof s !== 'string' || s.length > MAX_NAME_CHARS) throw new ProtocolError(`invalid ${what}`);
  return Object.freeze([...(v as string[])]);
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`invalid ${what}`);
  return v as Record<string, unknown>;
}

export function decodeReady(head: Buffer): ReadyMessage {
  const r = new HeadReader(head);
  const o = record(r.json('ready message'), 'ready message');
  r.end();
  const devices = stringList(o.devices, 'device list');
  if (typeof o.version !== 'string' || !devices) throw new ProtocolError('invalid ready message');
  const reason = o.unavailableReason;
  return {
    version: o.version,
    devices,
    ...(typeof reason === 'string' ? { unavailableReason: reason } : {}),
    scripts: o.scripts === true,
  };
}

export function decodeLoaded(head: Buffer): LoadedMessage {
  const r = new HeadReader(head);
  const o = record(r.json('load reply'), 'load reply');
  r.end();
  const inputNames = stringList(o.inputNames, 'input names');
  const outputNames = stringList(o.outputNames, 'output names');
  const functionNames = stringList(o.functionNames, 'function names');
  return {
    ...(inputNames ? { inputNames } : {}),
    ...(outputNames ? { outputNames } : {}),
    ...(functionNames ? { functionNames } : {}),
  };
}

/** A message text (Failed, InitFailed) as the only field of a head. */
export function encodeText(text: string): Buffer {
  return new HeadWriter(text.length + 8).str(text.length > MAX_NAME_CHARS ? `${text.slice(0, MAX_NAME_CHARS)}...` : text).done();
}

export function decodeText(head: Buffer): string {
  const r = new HeadReader(head);
  const text = r.str('message');
  r.end();
  return text;
}
