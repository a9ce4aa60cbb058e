import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { type BackendIsolation, type BackendName, Engine, type LogFields, type Logger, silentLogger } from '@modelkv/core';
import { CommandStats } from './command-stats.js';
import { CommandTable } from './command-table.js';
import { COMMANDS } from './commands/index.js';
import type { Compat } from './compat.js';
import { DEFAULT_BIND, DEFAULT_PORT, ServerConfig, type ServerSettings, defaultSettings } from './config.js';
import { Connection } from './connection.js';
import type { ClientState, ServerContext } from './context.js';
import { MetricsExporter } from './metrics/exporter.js';
import { ServerStats } from './stats.js';
import { packageVersion } from './version.js';

export interface BackendToLoad {
  readonly name: BackendName;
  readonly path: string;
}

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 6380. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly bind?: string;
  /** Largest bulk string a client may send. Default 512 MiB. */
  readonly protoMaxBulkLen?: number;
  /** Concurrent runs per device queue. Default 1. */
  readonly threadsPerQueue?: number;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  /** Lets models and scripts use file, process and I/O operations (the backends' safe-op policy is off). Default false. */
  readonly allowUnsafeOps?: boolean;
  readonly maxClients?: number;
  /** Port of the Prometheus endpoint (`/metrics`); 0: none. Default 0. */
  readonly metricsPort?: number;
  /** Address the Prometheus endpoint listens on. Default 127.0.0.1. */
  readonly metricsBind?: string;
  /** Models and scripts the endpoint labels by key; runs of others count under `__other__`. Default 100. */
  readonly metricsMaxKeys?: number;
  /** Per-command latency histograms (INFO latencystats). Default true. */
  readonly latencyTracking?: boolean;
  /** Which RedisAI's replies to give where 0.9 and 1.2 differ. Default `0.9`. */
  readonly redisaiCompat?: Compat;
  /** Largest piece of a model blob in AI.MODELGET replies. Default 511 MiB. */
  readonly modelChunkSize?: number;
  /** Where backends loaded by path run: `process` (default) or `none` (in the server's process). */
  readonly backendIsolation?: BackendIsolation;
  /** Milliseconds a run may execute; 0: no limit. Default 5000. */
  readonly modelExecutionTimeout?: number;
  /** Where the server and its engine report what happens. Default: nowhere. */
  readonly logger?: Logger;
  /** Backends loaded by `listen()` before accepting connections, in order. */
  readonly backends?: readonly BackendToLoad[];
  /** Directory relative backend paths are resolved against. Default: process.cwd(). */
  readonly cwd?: string;
  /** An engine to serve instead of a new one. */
  readonly engine?: Engine;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** Where the Prometheus endpoint listens, when it is on. */
  readonly metrics?: { readonly host: string; readonly port: number };
}

/** Size of the socket buffers: a write returning false (back-pressure) means this much is queued. */
const SOCKET_BUFFER_BYTES = 1024 * 1024;

/**
 * The modelkv server: one Engine served over RESP to any number of clients.
 * Emits 'shutdown' once a client's SHUTDOWN has closed it.
 */
export class ModelkvServer extends EventEmitter implements ServerContext {
  readonly engine: Engine;
  readonly commands = new CommandTable(COMMANDS);
  readonly config: ServerConfig;
  readonly stats = new ServerStats();
  readonly commandStats: CommandStats;
  readonly version: string = packageVersion();
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  /** Where the server and its engine report what happens. */
  readonly logger: Logger;

  private readonly settings: ServerSettings;
  private readonly backendsToLoad: readonly BackendToLoad[];
  private readonly connections = new Map<number, Connection>();
  private readonly tcp: net.Server;
  private metrics: MetricsExporter | undefined;
  private nextClientId = 1;
  private listening = false;
  private closing: Promise<void> | undefined;
  /** Whether the engine was made here (its backend processes are then stopped on close). */
  private readonly ownsEngine: boolean;

  constructor(options: ServerOptions = {}) {
    super();
    this.settings = {
      ...defaultSettings(),
      ...definedOnly({
        port: options.port,
        bind: options.bind,
        protoMaxBulkLen: options.protoMaxBulkLen,
        threadsPerQueue: options.threadsPerQueue,
        intraOpThreads: options.intraOpThreads,
        interOpThreads: options.interOpThreads,
        allowUnsafeOps: options.allowUnsafeOps,
        maxClients: options.maxClients,
        metricsPort: options.metricsPort,
        metricsBind: options.metricsBind,
        metricsMaxKeys: options.metricsMaxKeys,
        latencyTracking: options.latencyTracking,
        redisaiCompat: options.redisaiCompat,
        modelChunkSize: options.modelChunkSize,
        backendIsolation: options.backendIsolation,
        modelExecutionTimeout: options.modelExecutionTimeout,
      }),
    };
    this.config = new ServerConfig(this.settings);
    this.commandStats = new CommandStats(this.commands.specs, this.settings);
    this.logger = options.logger ?? {
      ...silentLogger,
      warning: (message, fields) => {
        warnOnStderr(message, fields);
      },
    };
    this.backendsToLoad = options.backends ?? [];
    this.ownsEngine = options.engine === undefined;
    this.engine =
      options.engine ??
      new Engine({
        threadsPerQueue: this.settings.threadsPerQueue,
        intraOpThreads: this.settings.intraOpThreads,
        interOpThreads: this.settings.interOpThreads,
        allowUnsafeOps: this.settings.allowUnsafeOps,
        maxTensorBytes: this.settings.protoMaxBulkLen,
        cwd: options.cwd,
        backendIsolation: this.settings.backendIsolation,
        modelExecutionTimeoutMs: () => this.settings.modelExecutionTimeout,
        logger: this.logger,
      });
    // Paused: a connection reads into its own memory, starting with the first byte.
    this.tcp = net.createServer({ noDelay: true, keepAlive: true, highWaterMark: SOCKET_BUFFER_BYTES, pauseOnConnect: true }, (socket) => {
      this.accept(socket);
    });
    // A listening error is reported by listen(); later ones (EMFILE) must not bring the server down.
    this.tcp.on('error', (err) => {
      if (this.listening) this.reportInternalError(err, 'accepting connections');
    });
  }

  get port(): number {
    return this.listening ? this.settings.port : 0;
  }

  /** Loads the configured backends, then listens. Resolves to the address actually bound. */
  async listen(): Promise<ListenAddress> {
    for (const b of this.backendsToLoad) await this.engine.loadBackend(b.name, b.path);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(err);
      };
      this.tcp.once('error', onError);
      this.tcp.listen(this.settings.port, this.settings.bind, () => {
        this.tcp.off('error', onError);
        resolve();
      });
    });
    const addr = this.tcp.address() as net.AddressInfo;
    this.settings.port = addr.port;
    this.listening = true;
    if (this.settings.metricsPort === 0) return { host: this.settings.bind, port: addr.port };
    this.metrics = await MetricsExporter.start(this, {
      port: this.settings.metricsPort,
      bind: this.settings.metricsBind,
      maxKeys: this.settings.metricsMaxKeys,
    });
    return { host: this.settings.bind, port: addr.port, metrics: { host: this.metrics.host, port: this.metrics.port } };
  }

  *clients(): Iterable<ClientState> {
    yield* this.connections.values();
  }

  /** Stops listening, closes every client and stops the backend processes. */
  close(): Promise<void> {
    this.closing ??= Promise.all([
      this.metrics?.close(),
      new Promise<void>((resolve) => {
        for (const c of this.connections.values()) c.destroy();
        if (!this.listening) {
          resolve();
          return;
        }
        this.tcp.close(() => {
          resolve();
        });
      }),
    ]).then(() => undefined);
    this.closing ??= new Promise<void>((resolve) => {
      for (const c of this.connections.values()) c.destroy();
      if (!this.listening) {
        resolve();
        return;
      }
      this.tcp.close(() => {
        resolve();
      });
    }).then(() => (this.ownsEngine ? this.engine.close() : undefined));
    return this.closing;
  }

  shutdown(): void {
    void this.close().then(() => this.emit('shutdown'));
  }

  reportInternalError(err: unknown, context: string): void {
    this.warn(`internal error ${context}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  /**
   * The one place the server's own warnings (and the engine's) are written: stderr, until the
   * server has a logger of its own to hand them to.
   */
  private warn(message: string, fields?: LogFields): void {
    const context = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${String(v)}`) : [];
    process.stderr.write(`modelkv-server: ${message}${context.join('')}\n`);
  }

  private accept(socket: net.Socket): void {
    this.stats.connectionsReceived++;
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.settings.maxClients) {
      this.stats.rejectedConnections++;
      socket.on('error', () => undefined);
      // Read (and drop) what the client sends, so that closing does not reset the connection.
      socket.resume();
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const id = this.nextClientId++;
    const conn = new Connection(socket, this, id, (c) => this.connections.delete(c.id));
    this.connections.set(id, conn);
  }
}

export function createServer(options: ServerOptions = {}): ModelkvServer {
  return new ModelkvServer(options);
}

export { DEFAULT_BIND, DEFAULT_PORT };

/** Warnings when no logger is given: on stderr, as `modelkv-server: message key=value`. */
function warnOnStderr(message: string, fields?: LogFields): void {
  const context = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${String(v)}`) : [];
  process.stderr.write(`modelkv-server: ${message}${context.join('')}\n`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
