import type { LogLevel } from '@modelkv/core';
import { parseMemory, parseYesNo } from './args.js';
import type { Param } from './config.js';

/** Who may run AI.CONFIG LOADBACKEND (Redis's enable-module-command): nobody, anybody, loopback clients. */
export type LoadbackendPermission = 'no' | 'yes' | 'local';
/** Whether TLS clients must present a certificate signed by the CA. */
export type TlsAuthClients = 'yes' | 'no' | 'optional';

/** client-output-buffer-limit for normal clients: 0 is no limit. */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** The settings of access control, TLS, limits and logging (CONFIG GET shows them under Redis's names). */
export interface SecuritySettings {
  /** The default user's password; '' for none. */
  requirepass: string;
  protectedMode: boolean;
  aclFile: string;
  aclLogMaxLen: number;
  enableLoadbackendCommand: LoadbackendPermission;
  /** Directory outside which AI.CONFIG LOADBACKEND loads nothing; '' for no such limit. */
  backendsPath: string;
  /** AI.CONFIG LOADBACKEND may load a bare JS file (no package.json declaring a backend). */
  loadbackendAllowFiles: boolean;
  /** 0: no TLS listener. */
  tlsPort: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsCaCertFile: string;
  tlsAuthClients: TlsAuthClients;
  /** Bytes; 0 is no limit. */
  maxmemory: number;
  /** Seconds a client may stay idle; 0 is forever. */
  timeout: number;
  clientQueryBufferLimit: number;
  clientOutputBufferLimit: OutputBufferLimit;
  logLevel: LogLevel;
  /** '' is stdout. */
  logFile: string;
}

export type SecurityOptions = Partial<Readonly<SecuritySettings>>;

export const DEFAULT_CLIENT_QUERY_BUFFER_LIMIT = 1024 * 1024 * 1024;

export function defaultSecuritySettings(): SecuritySettings {
  return {
    requirepass: '',
    protectedMode: true,
    aclFile: '',
    aclLogMaxLen: 128,
    enableLoadbackendCommand: 'local',
    backendsPath: '',
    loadbackendAllowFiles: false,
    tlsPort: 0,
    tlsCertFile: '',
    tlsKeyFile: '',
    tlsCaCertFile: '',
    tlsAuthClients: 'yes',
    maxmemory: 0,
    timeout: 0,
    clientQueryBufferLimit: DEFAULT_CLIENT_QUERY_BUFFER_LIMIT,
    clientOutputBufferLimit: { hard: 0, soft: 0, softSeconds: 0 },
    logLevel: 'notice',
    logFile: '',
  };
}

// ---- values, as the command line and CONFIG SET take them -----------------------------------

function oneOf<T extends string>(v: string, choices: readonly T[]): T | undefined {
  const w = v.toLowerCase();
  return (choices as readonly string[]).includes(w) ? (w as T) : undefined;
}

function wholeNumber(v: string): number | undefined {
  return /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

const LOADBACKEND_CHOICES: readonly LoadbackendPermission[] = ['no', 'yes', 'local'];
const TLS_AUTH_CHOICES: readonly TlsAuthClients[] = ['yes', 'no', 'optional'];
const MIN_QUERY_BUFFER_LIMIT = 1024 * 1024;

/** `normal <hard> <soft> <seconds>` (sizes as 1mb or bytes); other classes have no clients here. */
export function parseOutputBufferLimit(value: string): OutputBufferLimit | string {
  const words = value.trim().split(/\s+/);
  if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  let limit: OutputBufferLimit | undefined;
  for (let i = 0; i < words.length; i += 4) {
    const cls = words[i]!.toLowerCase();
    if (!['normal', 'replica', 'slave', 'pubsub'].includes(cls)) return 'Invalid client class specified in buffer limit configuration.';
    const hard = parseMemory(words[i + 1]!);
    const soft = parseMemory(words[i + 2]!);
    const softSeconds = wholeNumber(words[i + 3]!);
    if (hard === undefined || soft === undefined || softSeconds === undefined) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
    if (cls === 'normal') limit = { hard, soft, softSeconds };
  }
  return limit ?? 'Only the normal class can be set: this server has no replica or pubsub clients.';
}

export function formatOutputBufferLimit(l: OutputBufferLimit): string {
  return `normal ${l.hard} ${l.soft} ${l.softSeconds}`;
}

/** One setting under its Redis name: how CONFIG GET shows it and how a value is taken. */
interface SettingParam {
  readonly name: string;
  /** The settings field it sets (none: accepted and ignored, maxmemory-policy). */
  readonly key?: keyof SecuritySettings;
  /** A client may change it with CONFIG SET. */
  readonly mutable: boolean;
  get(s: SecuritySettings): string;
  /** Returns the value's problem, as Redis words it, or applies it. */
  set(s: SecuritySettings, v: string): string | undefined;
}

type KeysOf<V> = { [K in keyof SecuritySettings]: SecuritySettings[K] extends V ? K : never }[keyof SecuritySettings];

const text = (name: string, key: KeysOf<string>, mutable: boolean): SettingParam => ({
  name,
  key,
  mutable,
  get: (s) => s[key],
  set: (s, v) => {
    (s as unknown as Record<string, string>)[key] = v;
    return undefined;
  },
});

const flag = (name: string, key: KeysOf<boolean>, mutable: boolean): SettingParam => ({
  name,
  key,
  mutable,
  get: (s) => (s[key] ? 'yes' : 'no'),
  set: (s, v) => {
    const b = parseYesNo(v);
    if (b === undefined) return "argument must be 'yes' or 'no'";
    (s as unknown as Record<string, boolean>)[key] = b;
    return undefined;
  },
});

const choice = (name: string, key: KeysOf<string>, choices: readonly string[], mutable: boolean): SettingParam => ({
  name,
  key,
  mutable,
  get: (s) => s[key],
  set: (s, v) => {
    const c = oneOf(v, choices);
    if (c === undefined) return `argument(s) must be one of the following: ${choices.join(', ')}`;
    (s as unknown as Record<string, string>)[key] = c;
    return undefined;
  },
});

/** A number: whole (`integer`) or a memory size (`memory`: 1gb, 512mb, bytes), within [min, max]. */
const numeric =
  (parse: (v: string) => number | undefined, notParsed: string) =>
  (name: string, key: KeysOf<number>, mutable: boolean, min = 0, max = Number.MAX_SAFE_INTEGER): SettingParam => ({
    name,
    key,
    mutable,
    get: (s) => String(s[key]),
    set: (s, v) => {
      const n = parse(v);
      if (n === undefined) return notParsed;
      if (n < min || n > max)
        return `argument must be between ${min} and ${max === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : max} inclusive`;
      (s as unknown as Record<string, number>)[key] = n;
      return undefined;
    },
  });

const integer = numeric(wholeNumber, "argument couldn't be parsed into an integer");
const memory = numeric(parseMemory, 'argument must be a memory value');

/**
 * Every setting. The immutable ones are what a client could use to reach the disk or widen its
 * own access (files, TLS, the LOADBACKEND gate): only the command line sets them.
 */
const SETTINGS: readonly SettingParam[] = [
  text('requirepass', 'requirepass', true),
  flag('protected-mode', 'protectedMode', true),
  text('aclfile', 'aclFile', false),
  integer('acllog-max-len', 'aclLogMaxLen', true),
  choice('enable-loadbackend-command', 'enableLoadbackendCommand', LOADBACKEND_CHOICES, false),
  text('backends-path', 'backendsPath', false),
  flag('loadbackend-allow-files', 'loadbackendAllowFiles', false),
  integer('tls-port', 'tlsPort', false, 0, 65535),
  text('tls-cert-file', 'tlsCertFile', false),
  text('tls-key-file', 'tlsKeyFile', false),
  text('tls-ca-cert-file', 'tlsCaCertFile', false),
  choice('tls-auth-clients', 'tlsAuthClients', TLS_AUTH_CHOICES, false),
  memory('maxmemory', 'maxmemory', true),
  {
    name: 'maxmemory-policy',
    mutable: true,
    get: () => 'noeviction',
    set: (_s, v) => (v.toLowerCase() === 'noeviction' ? undefined : 'this server never evicts: the only policy is noeviction'),
  },
  integer('timeout', 'timeout', true),
  memory('client-query-buffer-limit', 'clientQueryBufferLimit', true, MIN_QUERY_BUFFER_LIMIT),
  {
    name: 'client-output-buffer-limit',
    key: 'clientOutputBufferLimit',
    mutable: true,
    get: (s) => `${formatOutputBufferLimit(s.clientOutputBufferLimit)} replica 268435456 67108864 60 pubsub 33554432 8388608 60`,
    set: (s, v) => {
      const l = parseOutputBufferLimit(v);
      if (typeof l === 'string') return l;
      s.clientOutputBufferLimit = l;
      return undefined;
    },
  },
  choice('loglevel', 'logLevel', ['debug', 'verbose', 'notice', 'warning'], true),
  text('logfile', 'logFile', false),
];

const BY_NAME = new Map(SETTINGS.map((p) => [p.name, p]));

/** The CONFIG parameters of these settings. */
export const SECURITY_PARAMS: readonly Param[] = SETTINGS.map((p) => ({
  name: p.name,
  get: (s) => p.get(s),
  ...(p.mutable ? { set: (s: SecuritySettings, v: string) => p.set(s, v) } : {}),
}));

/** Whether `--<name>` is one of these settings. */
export function isSecurityFlag(name: string): boolean {
  return BY_NAME.has(name);
}

/** Thrown for a command-line value that cannot be used; the bin prints the message. */
export class SettingError extends Error {}

/**
 * Applies `--<name> <value>` for one of these settings to `options` (the command line sets the
 * immutable ones too). Returns false when `name` is not one of them.
 */
export function applySecurityFlag(
  options: { -readonly [K in keyof SecuritySettings]?: SecuritySettings[K] },
  name: string,
  value: string,
): boolean {
  const param = BY_NAME.get(name);
  if (!param) return false;
  const trial = defaultSecuritySettings();
  const why = param.set(trial, value);
  if (why !== undefined) throw new SettingError(`--${name} '${value}': ${why}`);
  if (param.key) (options as Record<string, unknown>)[param.key] = trial[param.key];
  return true;
}

/** Flags whose value may be several words (`--client-output-buffer-limit normal 1mb 0 0`). */
export const MULTI_WORD_FLAGS: ReadonlySet<string> = new Set(['client-output-buffer-limit']);
