import { BACKEND_ISOLATIONS, type BackendIsolation, type BackendName, parseBackendName } from '@modelkv/core';
import { parseMemory, parseYesNo } from './args.js';
import { COMPAT_VERSIONS, parseCompat } from './compat.js';
import { parseExecutionTimeout } from './config.js';
import type { BackendToLoad, ServerOptions } from './server.js';

export interface CliRequest {
  readonly action: 'run' | 'help' | 'version';
  readonly options: ServerOptions;
}

export const USAGE = `Usage: modelkv-server [options]

A tensor and model server speaking the Redis protocol (RESP2/RESP3) with the RedisAI command set.

Options (redis-server style, "--name value"; "--name=value" works too):
  --port N                    TCP port, 0 picks a free one (default 6380)
  --bind ADDR                 address to listen on (default 127.0.0.1)
  --loadbackend NAME PATH     load a backend (TF, TORCH or ONNX) from a package directory or
                              JS file before accepting connections; repeatable
  --threads-per-queue N       runs executing at once per backend and device queue (default 1)
  --backend-isolation MODE    process: each backend runs in a process of its own, restarted if
                              a model crashes it (default); none: in the server's process
  --model-execution-timeout MS  a run still executing after MS milliseconds is answered with an
                              error and stopped (default 5000; 0: no limit)
  --intra-op-threads N        threads one operator may use in a backend (0: its default)
  --inter-op-threads N        operators a backend may run at once (0: its default)
  --allow-unsafe-ops yes|no   let models and scripts use file, process and other I/O operations
                              (default no: such models and scripts are refused at MODELSET /
                              SCRIPTSET); only for servers whose clients are all trusted
  --proto-max-bulk-len BYTES  largest bulk string a client may send, e.g. 536870912 or 512mb
  --maxclients N              most clients connected at once (default 10000)
  --metrics-port N            serve Prometheus metrics at http://<metrics-bind>:N/metrics
                              (default 0: off)
  --metrics-bind ADDR         address the metrics endpoint listens on (default 127.0.0.1)
  --metrics-max-keys N        models and scripts labelled by key in the metrics; runs of
                              others count under key="__other__" (default 100)
  --latency-tracking yes|no   per-command latency histograms for INFO latencystats
                              (default yes)
  --redisai-compat 0.9|1.2    answer like RedisAI 0.9 (default) or 1.2 where their replies differ
  --model-chunk-size BYTES    largest piece of a model blob in AI.MODELGET replies (default 511mb)
  -h, --help                  show this help
  -v, --version               show the version

Once listening it prints: Ready to accept connections tcp <host>:<port>
(after "Metrics served at http://<host>:<port>/metrics" when the endpoint is on).`;

/** Thrown for a command line that cannot be used; the message says why. */
export class UsageError extends Error {}

/** Parses the bin's arguments. Backends are kept in the order given. */
export function parseCliArgs(args: readonly string[]): CliRequest {
  const options: {
    -readonly [K in keyof ServerOptions]: ServerOptions[K];
  } = {};
  const backends: BackendToLoad[] = [];
  const queue = args.flatMap((a) => {
    const eq = a.indexOf('=');
    return a.startsWith('--') && eq > 2 ? [a.slice(0, eq), a.slice(eq + 1)] : [a];
  });
  const take = (flag: string): string => {
    const v = queue.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (flag: string, min: number): number => {
    const v = take(flag);
    if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new UsageError(`${flag} expects a whole number ≥ ${min}, got '${v}'`);
    }
    return Number(v);
  };
  while (queue.length > 0) {
    const flag = queue.shift()!;
    switch (flag) {
      case '-h':
      case '--help':
        return { action: 'help', options };
      case '-v':
      case '--version':
        return { action: 'version', options };
      case '--port': {
        const port = int(flag, 0);
        if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
        options.port = port;
        break;
      }
      case '--bind':
        options.bind = take(flag);
        break;
      case '--loadbackend': {
        const nameWord = take(flag);
        let name: BackendName;
        try {
          name = parseBackendName(nameWord);
        } catch (err) {
          throw new UsageError(`--loadbackend: ${(err as Error).message}`);
        }
        backends.push({ name, path: take(flag) });
        break;
      }
      case '--threads-per-queue':
        options.threadsPerQueue = int(flag, 1);
        break;
      case '--intra-op-threads':
        options.intraOpThreads = int(flag, 0);
        break;
      case '--inter-op-threads':
        options.interOpThreads = int(flag, 0);
        break;
      case '--allow-unsafe-ops': {
        const v = take(flag).toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new UsageError(`--allow-unsafe-ops expects yes or no, got '${v}'`);
        options.allowUnsafeOps = v === 'yes';
        break;
      }
      case '--backend-isolation': {
        const v = take(flag).toLowerCase();
        if (!(BACKEND_ISOLATIONS as readonly string[]).includes(v)) {
          throw new UsageError(`--backend-isolation expects ${BACKEND_ISOLATIONS.join(' or ')}, got '${v}'`);
        }
        options.backendIsolation = v as BackendIsolation;
        break;
      }
      case '--model-execution-timeout': {
        const v = take(flag);
        const ms = parseExecutionTimeout(v);
        if (ms === undefined) throw new UsageError(`--model-execution-timeout expects milliseconds (0: no limit), got '${v}'`);
        options.modelExecutionTimeout = ms;
        break;
      }
      case '--maxclients':
        options.maxClients = int(flag, 1);
        break;
      case '--metrics-port': {
        const port = int(flag, 0);
        if (port > 65535) throw new UsageError(`--metrics-port must be at most 65535, got ${port}`);
        options.metricsPort = port;
        break;
      }
      case '--metrics-bind':
        options.metricsBind = take(flag);
        break;
      case '--metrics-max-keys':
        options.metricsMaxKeys = int(flag, 0);
        break;
      case '--latency-tracking': {
        const v = take(flag);
        const on = parseYesNo(v);
        if (on === undefined) throw new UsageError(`--latency-tracking expects yes or no, got '${v}'`);
        options.latencyTracking = on;
        break;
      }
      case '--redisai-compat': {
        const v = take(flag);
        const compat = parseCompat(v);
        if (!compat) throw new UsageError(`--redisai-compat expects one of ${COMPAT_VERSIONS.join(', ')}, got '${v}'`);
        options.redisaiCompat = compat;
        break;
      }
      case '--model-chunk-size': {
        const v = take(flag);
        const n = parseMemory(v);
        if (n === undefined || n < 1) throw new UsageError(`--model-chunk-size expects a size in bytes (e.g. 1mb), got '${v}'`);
        options.modelChunkSize = n;
        break;
      }
      case '--proto-max-bulk-len': {
        const v = take(flag);
        const n = parseMemory(v);
        if (n === undefined || n < 1) throw new UsageError(`--proto-max-bulk-len expects a size in bytes (e.g. 512mb), got '${v}'`);
        options.protoMaxBulkLen = n;
        break;
      }
      default:
        throw new UsageError(`unknown option '${flag}' (see --help)`);
    }
  }
  options.backends = backends;
  return { action: 'run', options };
}
