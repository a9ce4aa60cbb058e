import {
  type BackendIsolation,
  DEFAULT_MODEL_EXECUTION_TIMEOUT_MS,
  NON_TENSOR_OUTPUTS,
  type NonTensorOutputs,
  ReplyError,
  globMatch,
} from '@modelkv/core';
import { type PersistenceSettings, defaultPersistenceSettings } from '@modelkv/persistence';
import { parseMemory, parseYesNo } from './args.js';
import { formatPercentile, parsePercentiles } from './command-stats.js';
import { type Compat, COMPAT_VERSIONS, parseCompat } from './compat.js';
import { PERSISTENCE_PARAMS } from './config-persistence.js';
import { DEFAULT_MAX_BULK_LENGTH } from './resp-parser.js';
import { SECURITY_PARAMS, type SecuritySettings, defaultSecuritySettings } from './security-options.js';

/** Who may run DEBUG: nobody, everybody, or clients on a loopback address (Redis's enable-debug-command). */
export type CommandAccess = 'no' | 'yes' | 'local';

/** Settings the server runs with; CONFIG GET shows them, CONFIG SET changes the mutable ones. */
export interface ServerSettings extends SecuritySettings, PersistenceSettings {
  port: number;
  /** Addresses to listen on, separated by spaces (Redis's `bind`). */
  bind: string;
  protoMaxBulkLen: number;
  threadsPerQueue: number;
  intraOpThreads: number;
  interOpThreads: number;
  allowUnsafeOps: boolean;
  intraOpSpinning: boolean;
  maxClients: number;
  enableDebugCommand: CommandAccess;
  /** Port of the Prometheus endpoint; 0: none. */
  metricsPort: number;
  metricsBind: string;
  /** Keys (models and scripts) the endpoint labels by name; runs of others count under `__other__`. */
  metricsMaxKeys: number;
  /** Per-command latency histograms for INFO latencystats. */
  latencyTracking: boolean;
  latencyTrackingInfoPercentiles: readonly number[];
  /** Which RedisAI's replies to give where 0.9 and 1.2 differ. */
  redisaiCompat: Compat;
  /** Largest piece of a model blob in AI.MODELGET replies (RedisAI's MODEL_CHUNK_SIZE). */
  modelChunkSize: number;
  /** Where backends loaded by path run. */
  backendIsolation: BackendIsolation;
  /** Milliseconds a run may execute (MODEL_EXECUTION_TIMEOUT); 0: no limit. */
  modelExecutionTimeout: number;
  /** What models loaded from now on give for outputs that are not tensors. */
  nonTensorOutputs: NonTensorOutputs;
}

/** RedisAI 1.2's default MODEL_CHUNK_SIZE: 511 MiB. */
export const DEFAULT_MODEL_CHUNK_SIZE = 511 * 1024 * 1024;

export const DEFAULT_PORT = 6380;
export const DEFAULT_BIND = '127.0.0.1';

export function defaultSettings(): ServerSettings {
  return {
    ...defaultSecuritySettings(),
    ...defaultPersistenceSettings(),
    port: DEFAULT_PORT,
    bind: DEFAULT_BIND,
    protoMaxBulkLen: DEFAULT_MAX_BULK_LENGTH,
    threadsPerQueue: 1,
    intraOpThreads: 0,
    interOpThreads: 0,
    allowUnsafeOps: false,
    intraOpSpinning: true,
    maxClients: 10000,
    enableDebugCommand: 'no',
    metricsPort: 0,
    metricsBind: DEFAULT_BIND,
    metricsMaxKeys: DEFAULT_METRICS_MAX_KEYS,
    latencyTracking: true,
    latencyTrackingInfoPercentiles: [50, 99, 99.9],
    redisaiCompat: '0.9',
    modelChunkSize: DEFAULT_MODEL_CHUNK_SIZE,
    backendIsolation: 'process',
    modelExecutionTimeout: DEFAULT_MODEL_EXECUTION_TIMEOUT_MS,
    nonTensorOutputs: 'skip',
  };
}

export const DEFAULT_METRICS_MAX_KEYS = 100;

/** Parses a `non-tensor-outputs` value (any case); undefined when invalid. */
export function parseNonTensorOutputs(value: string): NonTensorOutputs | undefined {
  const word = value.toLowerCase();
  return NON_TENSOR_OUTPUTS.find((w) => w === word);
}

/** Parses MODEL_EXECUTION_TIMEOUT: whole milliseconds, 0 for no limit; undefined when invalid. */
export function parseExecutionTimeout(value: string): number | undefined {
  if (!/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

export interface Param {
  readonly name: string;
  get(s: ServerSettings): string;
  /** Returns why the value is refused, or applies it. Absent: the parameter is fixed. */
  set?(s: ServerSettings, value: string): string | undefined;
  /** Settable at start (command line) only; CONFIG SET refuses it. */
  readonly startOnly?: boolean;
}

const MIN_BULK_LEN = 1024 * 1024;

/** The parameters CONFIG knows. */
const PARAMS: readonly Param[] = [
  { name: 'port', get: (s) => String(s.port) },
  { name: 'bind', get: (s) => s.bind },
  {
    name: 'proto-max-bulk-len',
    get: (s) => String(s.protoMaxBulkLen),
    set: (s, v) => {
      const n = parseMemory(v);
      if (n === undefined) return 'argument must be a memory value';
      if (n < MIN_BULK_LEN) return `argument must be between ${MIN_BULK_LEN} and 9223372036854775807 inclusive`;
      s.protoMaxBulkLen = n;
      return undefined;
    },
  },
  { name: 'threads-per-queue', get: (s) => String(s.threadsPerQueue) },
  { name: 'intra-op-threads', get: (s) => String(s.intraOpThreads) },
  { name: 'inter-op-threads', get: (s) => String(s.interOpThreads) },
  { name: 'allow-unsafe-ops', get: (s) => (s.allowUnsafeOps ? 'yes' : 'no') },
  { name: 'intra-op-spinning', get: (s) => (s.intraOpSpinning ? 'yes' : 'no') },
  {
    name: 'maxclients',
    get: (s) => String(s.maxClients),
    set: (s, v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) return "argument couldn't be parsed into an integer";
      s.maxClients = Number(v);
      return undefined;
    },
  },
  { name: 'metrics-port', get: (s) => String(s.metricsPort) },
  { name: 'metrics-bind', get: (s) => s.metricsBind },
  { name: 'metrics-max-keys', get: (s) => String(s.metricsMaxKeys) },
  {
    name: 'latency-tracking',
    get: (s) => (s.latencyTracking ? 'yes' : 'no'),
    set: (s, v) => {
      const on = parseYesNo(v);
      if (on === undefined) return "argument must be 'yes' or 'no'";
      s.latencyTracking = on;
      return undefined;
    },
  },
  {
    name: 'latency-tracking-info-percentiles',
    get: (s) => s.latencyTrackingInfoPercentiles.map(formatPercentile).join(' '),
    set: (s, v) => {
      const parsed = parsePercentiles(v);
      if (typeof parsed === 'string') return parsed;
      s.latencyTrackingInfoPercentiles = parsed;
      return undefined;
    },
  },
  {
    name: 'redisai-compat',
    get: (s) => s.redisaiCompat,
    set: (s, v) => {
      const compat = parseCompat(v);
      if (!compat) return `argument must be one of ${COMPAT_VERSIONS.join(', ')}`;
      s.redisaiCompat = compat;
      return undefined;
    },
  },
  {
    name: 'model-chunk-size',
    get: (s) => String(s.modelChunkSize),
    set: (s, v) => {
      const n = parseMemory(v);
      if (n === undefined || n < 1) return 'argument must be a memory value of at least 1 byte';
      s.modelChunkSize = n;
      return undefined;
    },
  },
  { name: 'backend-isolation', get: (s) => s.backendIsolation },
  {
    name: 'model-execution-timeout',
    get: (s) => String(s.modelExecutionTimeout),
    set: (s, v) => {
      const ms = parseExecutionTimeout(v);
      if (ms === undefined) return 'argument must be a whole number of milliseconds (0: no limit)';
      s.modelExecutionTimeout = ms;
      return undefined;
    },
  },
  {
    // Read at each model load: models loaded before a change keep what they were loaded with.
    name: 'non-tensor-outputs',
    get: (s) => s.nonTensorOutputs,
    set: (s, v) => {
      const mode = parseNonTensorOutputs(v);
      if (!mode) return `argument must be one of ${NON_TENSOR_OUTPUTS.join(', ')}`;
      s.nonTensorOutputs = mode;
      return undefined;
    },
  },
  ...PERSISTENCE_PARAMS,
  {
    name: 'enable-debug-command',
    startOnly: true,
    get: (s) => s.enableDebugCommand,
    set: (s, v) => {
      const w = v.toLowerCase();
      if (w !== 'no' && w !== 'yes' && w !== 'local') return 'argument(s) must be one of the following: no, yes, local';
      s.enableDebugCommand = w;
      return undefined;
    },
  },
  { name: 'databases', get: () => '1' },
  ...SECURITY_PARAMS,
];

const BY_NAME = new Map(PARAMS.map((p) => [p.name, p]));

export class ServerConfig {
  /** Called with the names of the parameters a CONFIG SET changed, once they are applied. */
  onChange: (names: readonly string[]) => void = () => undefined;

  constructor(readonly settings: ServerSettings) {}

  /** Name/value pairs of the parameters matching any of the glob patterns (case-insensitive). */
  get(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    for (const p of PARAMS) {
      if (patterns.some((pat) => globMatch(pat.toLowerCase(), p.name))) out.push([p.name, p.get(this.settings)]);
    }
    return out;
  }

  /** Applies all pairs or none, with Redis's error texts. */
  set(pairs: readonly (readonly [string, string])[]): void {
    const seen = new Set<string>();
    for (const [rawName] of pairs) {
      const name = rawName.toLowerCase();
      const p = BY_NAME.get(name);
      if (!p) throw new ReplyError(`Unknown option or number of arguments for CONFIG SET - '${rawName}'`);
      if (seen.has(name)) throw setFailed(rawName, 'duplicate parameter');
      seen.add(name);
      if (!p.set || p.startOnly) throw setFailed(rawName, "can't set immutable config");
    }
    const trial = { ...this.settings };
    for (const [rawName, value] of pairs) {
      const why = BY_NAME.get(rawName.toLowerCase())!.set!(trial, value);
      if (why !== undefined) throw setFailed(rawName, why);
    }
    Object.assign(this.settings, trial);
    this.onChange([...seen]);
  }
}

function setFailed(name: string, why: string): ReplyError {
  return new ReplyError(`CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
}

/** Whether `--name` sets a parameter at start (every parameter with a setter). */
export function isStartParam(name: string): boolean {
  return BY_NAME.get(name.toLowerCase())?.set !== undefined;
}

/**
 * Applies parameters as the command line gives them, start-only ones included. Throws an
 * ReplyError naming the first bad one; `settings` is unchanged then.
 */
export function applyStartParams(settings: ServerSettings, pairs: readonly (readonly [string, string])[]): void {
  const trial = { ...settings };
  for (const [rawName, value] of pairs) {
    const p = BY_NAME.get(rawName.toLowerCase());
    if (!p?.set) throw new ReplyError(`unknown option '--${rawName}'`);
    const why = p.set(trial, value);
    if (why !== undefined) throw new ReplyError(`--${rawName} ${JSON.stringify(value)}: ${why}`);
  }
  Object.assign(settings, trial);
}
