import { BACKEND_ISOLATIONS, type BackendIsolation, type BackendName, parseBackendName } from '@modelkv/core';
import { parseMemory, parseYesNo } from './args.js';
import { COMPAT_VERSIONS, parseCompat } from './compat.js';
import { applyStartParams, defaultSettings, isStartParam, parseExecutionTimeout, parseNonTensorOutputs } from './config.js';
import { MULTI_WORD_FLAGS, SettingError, applySecurityFlag, isSecurityFlag } from './security-options.js';
import type { BackendToLoad, ServerOptions } from './server.js';

export interface CliRequest {
  readonly action: 'run' | 'help' | 'version';
  readonly options: ServerOptions;
}

export const USAGE = `Usage: modelkv-server [options]

A tensor and model server speaking the Redis protocol (RESP2/RESP3) with the RedisAI command set.

Options (redis-server style, "--name value"; "--name=value" works too):
  --port N                    TCP port (default 6380); 0 picks a free one, or with --tls-port
                              serves TLS only
  --bind ADDR [ADDR ...]      addresses to listen on (default 127.0.0.1); a leading '-' makes
                              an address optional
  --loadbackend NAME PATH     load a backend (TF, TORCH or ONNX) from a package directory or
                              JS file before accepting connections; repeatable
  --threads-per-queue N       runs executing at once per backend and device queue (default 1)
  --backend-isolation MODE    process: each backend runs in a process of its own, restarted if
                              a model crashes it (default); none: in the server's process
  --model-execution-timeout MS  a run still executing after MS milliseconds is answered with an
                              error and stopped (default 5000; 0: no limit)
  --non-tensor-outputs skip|tensor
                              what a model's outputs that are not tensors give: skip (default)
                              stores nothing for them; tensor stores an ONNX-ML ZipMap's
                              probabilities as a FLOAT [N, classes] tensor (others stay skipped);
                              CONFIG SET non-tensor-outputs applies to models loaded after it
  --intra-op-threads N        threads one operator may use in a backend (0: its default)
  --inter-op-threads N        operators a backend may run at once (0: its default)
  --intra-op-spinning yes|no  whether a backend's intra-op threads spin-wait for work (default
                              yes: a lone client is answered sooner; no: the CPU goes to the
                              server and other runs under load); ONNX only
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

Access, TLS, limits and logs (CONFIG GET/SET names; see README "Running it safely"):
  --requirepass PASS          password of the default user
  --aclfile FILE              ACL users file (ACL LOAD / ACL SAVE); loaded at start
  --acllog-max-len N          ACL LOG entries kept (default 128)
  --protected-mode yes|no     without a password, refuse non-loopback clients (default yes)
  --enable-loadbackend-command no|yes|local
                              who may run AI.CONFIG LOADBACKEND (default local: loopback clients)
  --backends-path DIR         AI.CONFIG LOADBACKEND loads only from inside DIR
  --loadbackend-allow-files yes|no
                              AI.CONFIG LOADBACKEND may load a bare JS file (default no)
  --tls-port N                TLS port (default 0: none)
  --tls-cert-file FILE        server certificate (PEM)
  --tls-key-file FILE         server private key (PEM)
  --tls-ca-cert-file FILE     CA that signs client certificates (PEM)
  --tls-auth-clients yes|no|optional
                              require client certificates (default yes)
  --maxmemory BYTES           refuse data-adding commands past this (e.g. 1gb; default 0: none)
  --maxmemory-policy noeviction
  --timeout SECONDS           close clients idle this long (default 0: never)
  --client-query-buffer-limit BYTES
                              largest request in progress a client may hold (default 1gb)
  --client-output-buffer-limit 'normal HARD SOFT SECONDS'
                              close a client whose unsent replies pass HARD, or SOFT for SECONDS
  --loglevel debug|verbose|notice|warning
                              (default notice)
  --logfile FILE              append the log there (default: stdout)

Persistence (redis.conf's names and meanings):
  --dir DIR                   where the snapshot and the append-only file live (default: cwd)
  --dbfilename NAME           snapshot file name (default dump.rdb)
  --save "SECS CHANGES ..."   snapshot when CHANGES writes happened within SECS seconds;
                              "" (the default) takes none by itself
  --appendonly yes|no         log every write to the append-only file (default no)
  --appendfilename NAME       append-only file name (default appendonly.aof)
  --appenddirname NAME        directory of its files, inside --dir (default appendonlydir)
  --appendfsync always|everysec|no
                              when the append-only file is synced (default everysec)
  --auto-aof-rewrite-percentage N, --auto-aof-rewrite-min-size BYTES
                              rewrite the file once it grew N% past its last rewrite (100, 64mb)
  --aof-load-truncated yes|no load a file cut short at its end (default yes)
  --aof-use-rdb-preamble yes|no
                              rewritten files start with a snapshot (default yes)
  --stop-writes-on-bgsave-error yes|no
                              refuse writes while snapshots fail (default yes)
  --keep-models-without-backend yes|no
                              at start, keep models whose backend is not loaded as stored
                              values that answer ERR until it is (default no: refuse to start)
  --enable-debug-command no|yes|local
                              who may run DEBUG (RELOAD) (default no)
  -h, --help                  show this help
  -v, --version               show the version

Once listening it prints: Ready to accept connections tcp <host>:<port>
(after "Metrics served at http://<host>:<port>/metrics" when the endpoint is on, and followed by
"Ready to accept connections tls <host>:<port>" for a TLS listener, or only that one for TLS only).`;

/** Thrown for a command line that cannot be used; the message says why. */
export class UsageError extends Error {}

/** Parses the bin's arguments. Backends are kept in the order given. */
export function parseCliArgs(args: readonly string[]): CliRequest {
  const options: {
    -readonly [K in keyof ServerOptions]: ServerOptions[K];
  } = {};
  const backends: BackendToLoad[] = [];
  const config: [string, string][] = [];
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
  const yesNo = (flag: string): boolean => {
    const v = take(flag);
    const on = parseYesNo(v);
    if (on === undefined) throw new UsageError(`${flag} expects yes or no, got '${v}'`);
    return on;
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
      case '--bind': {
        const addresses = [take(flag)];
        while (queue.length > 0 && !queue[0]!.startsWith('--')) addresses.push(queue.shift()!);
        options.bind = addresses.join(' ');
        break;
      }
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
      case '--allow-unsafe-ops':
        options.allowUnsafeOps = yesNo(flag);
        break;
      case '--intra-op-spinning':
        options.intraOpSpinning = yesNo(flag);
        break;
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
      case '--non-tensor-outputs': {
        const v = take(flag);
        const mode = parseNonTensorOutputs(v);
        if (!mode) throw new UsageError(`--non-tensor-outputs expects skip or tensor, got '${v}'`);
        options.nonTensorOutputs = mode;
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
      case '--latency-tracking':
        options.latencyTracking = yesNo(flag);
        break;
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
      case '--save': {
        // As redis-server: the words up to the next option are the save points.
        const words: string[] = [take(flag)];
        while (queue.length > 0 && !queue[0]!.startsWith('--')) words.push(queue.shift()!);
        config.push(['save', words.join(' ')]);
        break;
      }
      default: {
        const name = flag.slice(2);
        if (flag.startsWith('--') && !isSecurityFlag(name) && isStartParam(name)) {
          config.push([name.toLowerCase(), take(flag)]);
          break;
        }
        if (!flag.startsWith('--') || !isSecurityFlag(name)) throw new UsageError(`unknown option '${flag}' (see --help)`);
        let value = take(flag);
        if (MULTI_WORD_FLAGS.has(name)) {
          while (queue.length > 0 && !queue[0]!.startsWith('--')) value += ` ${queue.shift()!}`;
        }
        try {
          applySecurityFlag(options, name, value);
        } catch (err) {
          if (err instanceof SettingError) throw new UsageError(err.message);
          throw err;
        }
      }
    }
  }
  try {
    applyStartParams(defaultSettings(), config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (config.length > 0) options.config = config;
  options.backends = backends;
  return { action: 'run', options };
}
