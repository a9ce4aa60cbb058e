import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import type net from 'node:net';
import { resolve } from 'node:path';
import {
  type BackendIsolation,
  type BackendName,
  Engine,
  type LogFields,
  type Logger,
  type NonTensorOutputs,
  silentLogger,
} from '@modelkv/core';
import { Persistence } from '@modelkv/persistence';
import { AclLog } from './acl/acl-log.js';
import { CommandIndex } from './acl/command-index.js';
import type { AclUser } from './acl/user.js';
import { AclUsers } from './acl/users.js';
import { ClientSweep } from './client-sweep.js';
import { CommandStats } from './command-stats.js';
import { CommandTable } from './command-table.js';
import { COMMANDS } from './commands/index.js';
import type { Compat } from './compat.js';
import { DEFAULT_BIND, DEFAULT_PORT, ServerConfig, type ServerSettings, applyStartParams, defaultSettings } from './config.js';
import { Connection, isLoopback } from './connection.js';
import type { ClientState, ServerContext } from './context.js';
import { ExecGate, exclusively } from './exec-gate.js';
import { FastPath } from './fast-path.js';
import { type ListenAddress, Listeners } from './listeners.js';
import { parseLogLevel } from './logger.js';
import { MemoryMeter } from './memory.js';
import { MetricsExporter } from './metrics/exporter.js';
import { RateLimitedLog } from './rate-limited-log.js';
import type { SecurityOptions } from './security-options.js';
import { ServerStats } from './stats.js';
import { tlsServerOptions } from './tls-options.js';
import { packageVersion } from './version.js';
import { WatchRegistry } from './watch-registry.js';

export interface BackendToLoad {
  readonly name: BackendName;
  readonly path: string;
}

export interface ServerOptions extends SecurityOptions {
  /** TCP port; 0 picks a free one (or, with a TLS port, serves TLS only). Default 6380. */
  readonly port?: number;
  /** Addresses to listen on, separated by spaces. Default 127.0.0.1. */
  readonly bind?: string;
  /** Largest bulk string a client may send. Default 512 MiB. */
  readonly protoMaxBulkLen?: number;
  /** Concurrent runs per device queue. Default 1. */
  readonly threadsPerQueue?: number;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  /** Lets models and scripts use file, process and I/O operations (the backends' safe-op policy is off). Default false. */
  readonly allowUnsafeOps?: boolean;
  /** Whether backends' intra-op threads may spin-wait (ONNX Runtime's allow_spinning). Default true. */
  readonly intraOpSpinning?: boolean;
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
  /**
   * What models give for outputs that are not tensors: `skip` (default, as RedisAI 0.9) or
   * `tensor` (ONNX-ML ZipMap outputs as their FLOAT probabilities). Read at each model load.
   */
  readonly nonTensorOutputs?: NonTensorOutputs;
  /** Where the server and its engine report what happens. Default: warnings on stderr. */
  readonly logger?: Logger;
  /** Backends loaded by `listen()` before accepting connections, in order. */
  readonly backends?: readonly BackendToLoad[];
  /** Directory relative backend paths are resolved against. Default: process.cwd(). */
  readonly cwd?: string;
  /** An engine to serve instead of a new one. */
  readonly engine?: Engine;
  /**
   * Further parameters by their CONFIG names, as the command line gives them (`appendonly`,
   * `dir`, `save`, ...); applied before anything starts.
   */
  readonly config?: readonly (readonly [string, string])[];
}

export type { ListenAddress };

/** Where the server listens: the first TCP address (port 0 when TLS only), and every listener. */
export interface ListenResult extends ListenAddress {
  readonly tcp: readonly ListenAddress[];
  readonly tls: readonly ListenAddress[];
  /** Where the Prometheus endpoint listens, when it is on. */
  readonly metrics?: ListenAddress;
}

/** A logger that can also change its level (CONFIG SET loglevel). */
interface LevelledLogger extends Logger {
  setLevel?(level: string): void;
}

/**
 * Redis's protected-mode refusal (with the server's own name and flags): sent to a client from
 * another host while the default user has no password.
 */
const DENIED =
  "-DENIED modelkv is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to modelkv you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to modelkv from the same host the server is running, however MAKE SURE modelkv is not publicly accessible from internet if you do so. 2) Set up an authentication password for the default user (--requirepass, or CONFIG SET requirepass from the loopback interface) or ACL users (--aclfile). 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/**
 * The modelkv server: one Engine served over RESP (TCP and TLS) to any number of clients.
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
  readonly acl: AclUsers;
  readonly aclLog: AclLog;
  readonly memory: MemoryMeter;
  readonly logger: Logger;
  readonly authFailures: RateLimitedLog;
  readonly cwd: string;
  readonly persistence: Persistence;
  readonly fastPath = new FastPath();
  readonly gate = new ExecGate(this.fastPath.changed);
  readonly watches: WatchRegistry;

  private readonly settings: ServerSettings;
  private readonly backendsToLoad: readonly BackendToLoad[];
  private readonly connections = new Map<number, Connection>();
  private readonly listenerSet: Listeners;
  private readonly sweep: ClientSweep;
  private metrics: MetricsExporter | undefined;
  private nextClientId = 1;
  private listening = false;
  private closing: Promise<void> | undefined;
  /** Whether the engine was made here (its backend processes are then stopped on close). */
  private readonly ownsEngine: boolean;

  constructor(options: ServerOptions = {}) {
    super();
    const { backends, cwd, engine, logger, config, ...settingOptions } = options;
    this.settings = { ...defaultSettings(), ...definedOnly(settingOptions) };
    applyStartParams(this.settings, config ?? []);
    this.config = new ServerConfig(this.settings);
    this.commandStats = new CommandStats(this.commands.specs, this.settings);
    this.config.onChange = (names) => {
      this.applyChanges(names);
      this.fastPath.changed();
    };
    this.backendsToLoad = backends ?? [];
    this.ownsEngine = engine === undefined;
    this.cwd = cwd ?? process.cwd();
    this.logger = logger ?? {
      ...silentLogger,
      warning: (message, fields) => {
        warnOnStderr(message, fields);
      },
    };
    this.acl = new AclUsers(new CommandIndex(this.commands));
    this.acl.onChange = this.fastPath.changed;
    if (this.settings.requirepass !== '') this.acl.setRequirePass(this.settings.requirepass);
    this.aclLog = new AclLog(this.settings.aclLogMaxLen);
    this.authFailures = new RateLimitedLog((m, f) => {
      this.logger.warning(m, f);
    }, 'authentication failures');
    this.engine =
      engine ??
      new Engine({
        threadsPerQueue: this.settings.threadsPerQueue,
        intraOpThreads: this.settings.intraOpThreads,
        interOpThreads: this.settings.interOpThreads,
        allowUnsafeOps: this.settings.allowUnsafeOps,
        intraOpSpinning: this.settings.intraOpSpinning,
        maxTensorBytes: this.settings.protoMaxBulkLen,
        cwd: this.cwd,
        backendIsolation: this.settings.backendIsolation,
        modelExecutionTimeoutMs: () => this.settings.modelExecutionTimeout,
        nonTensorOutputs: () => this.settings.nonTensorOutputs,
        logger: this.logger,
      });
    // AI.CONFIG BACKENDSPATH starts at --backends-path, where relative LOADBACKEND paths resolve.
    if (this.settings.backendsPath !== '') this.engine.backendsPath = resolve(this.cwd, this.settings.backendsPath);
    this.memory = new MemoryMeter(this.engine, this.settings, this.logger);
    this.listenerSet = new Listeners(
      (socket, isTls) => {
        this.accept(socket, isTls);
      },
      (err, what) => {
        if (what === 'a TLS handshake') this.logger.verbose(`failed ${what}`, { error: err.message });
        else if (this.listening) this.reportInternalError(err, what);
      },
    );
    this.sweep = new ClientSweep(() => this.connections.values(), this.settings, this.logger);
    this.persistence = new Persistence(this.engine, this.settings, this.logger);
    this.persistence.onStateChange = this.fastPath.changed;
    this.watches = new WatchRegistry(this.engine.keyspace);
  }

  /** The TCP port listened on (0 before listening, or when serving TLS only). */
  get port(): number {
    return this.listening ? this.settings.port : 0;
  }

  /**
   * Loads the ACL file and the configured backends, listens, and loads the data (the append-only
   * file or the snapshot; clients get LOADING meanwhile). Resolves to the addresses actually
   * bound once the data is in; rejects with a message naming what is wrong with the configuration.
   */
  async listen(): Promise<ListenResult> {
    const s = this.settings;
    if (s.aclFile !== '' && s.requirepass !== '') {
      throw new Error("--requirepass and --aclfile together: set the default user's password in the ACL file");
    }
    if (s.aclFile !== '') this.loadAclFile(s.aclFile);
    if (s.backendsPath !== '') checkDirectory('--backends-path', resolve(this.cwd, s.backendsPath));
    const tls = tlsServerOptions(s);
    for (const b of this.backendsToLoad) {
      // --loadbackend paths are the operator's, relative to the server's cwd (not BACKENDSPATH,
      // which --backends-path moved).
      const path = s.backendsPath === '' ? b.path : resolve(this.cwd, b.path);
      const loaded = await this.engine.loadBackend(b.name, path);
      this.logger.notice('backend loaded', { backend: b.name, path: b.path, version: loaded.backend.version });
    }
    this.persistence.loading = true;
    const bound = await this.listenerSet.open({
      bind: s.bind,
      port: s.port,
      tlsPort: s.tlsPort,
      tls,
      tlsOptionalClientCert: s.tlsAuthClients === 'optional',
    });
    const first = bound.tcp[0] ?? { host: bound.tls[0]!.host, port: 0 };
    s.port = bound.tcp[0]?.port ?? 0;
    this.listening = true;
    this.sweep.start();
    for (const a of bound.tcp) this.logger.notice('listening', { transport: 'tcp', host: a.host, port: a.port });
    for (const a of bound.tls) this.logger.notice('listening', { transport: 'tls', host: a.host, port: a.port });
    this.warnIfExposed([...bound.tcp, ...bound.tls]);
    await this.persistence.start();
    if (s.metricsPort === 0) return { ...first, tcp: bound.tcp, tls: bound.tls };
    this.metrics = await MetricsExporter.start(this, { port: s.metricsPort, bind: s.metricsBind, maxKeys: s.metricsMaxKeys });
    const metrics = { host: this.metrics.host, port: this.metrics.port };
    this.logger.notice('listening', { transport: 'http', host: metrics.host, port: metrics.port, endpoint: '/metrics' });
    return { ...first, tcp: bound.tcp, tls: bound.tls, metrics };
  }

  *clients(): Iterable<ClientState> {
    yield* this.connections.values();
  }

  clientBufferPeaks(): { input: number; output: number } {
    return { input: this.sweep.recentMaxInput(), output: this.sweep.recentMaxOutput() };
  }

  disconnectUsers(users: readonly AclUser[]): void {
    if (users.length === 0) return;
    for (const c of [...this.connections.values()]) if (users.includes(c.user)) c.disconnect();
  }

  /**
   * Stops listening, closes every client, closes the persistence files (without saving anything)
   * and stops the backend processes.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolveClose) => {
      this.sweep.stop();
      this.authFailures.flush();
      this.memory.flushLog();
      for (const c of this.connections.values()) c.destroy();
      void Promise.all([this.metrics?.close(), this.listenerSet.close()]).then(() => {
        resolveClose();
      });
    })
      .then(() => this.persistence.close())
      .then(() => (this.ownsEngine ? this.engine.close() : undefined));
    return this.closing;
  }

  /** Closes the server once SHUTDOWN has done what persistence needs; emits 'shutdown'. */
  shutdown(): void {
    this.logger.notice('User requested shutdown...');
    void this.close().then(() => this.emit('shutdown'));
  }

  /**
   * What SIGTERM does (SHUTDOWN without arguments): waits for the runs in flight, writes the
   * append-only file out, saves a snapshot when save points are set, then closes. Rejects, and
   * keeps serving, when that fails.
   */
  async shutdownGracefully(): Promise<void> {
    this.gate.started();
    try {
      await exclusively(this.gate, this, () => this.persistence.shutdown(undefined, false));
    } finally {
      this.gate.finished();
    }
    await this.close();
  }

  reportInternalError(err: unknown, context: string): void {
    this.logger.warning(`internal error ${context}`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }

  private loadAclFile(file: string): void {
    try {
      this.acl.loadFile(file);
    } catch (err) {
      throw new Error(`cannot load --aclfile: ${(err as Error).message}`);
    }
    this.logger.notice('ACL users loaded', { file, users: this.acl.all().length });
  }

  /** Logs at start what makes this server reachable by others without a password. */
  private warnIfExposed(addresses: readonly ListenAddress[]): void {
    const exposed = addresses.filter((a) => !isLoopback(a.host) && a.host !== 'localhost');
    if (exposed.length === 0 || !this.acl.defaultUser.nopass) return;
    const where = exposed.map((a) => `${a.host}:${a.port}`).join(', ');
    if (this.settings.protectedMode) {
      this.logger.warning(
        `listening on ${where}, beyond the loopback interface, and the default user has no password: protected mode refuses clients from other hosts until --requirepass or ACL users are set`,
      );
    } else {
      this.logger.warning(
        `listening on ${where}, beyond the loopback interface, with protected mode off and no password for the default user: anyone who reaches the port may run any command`,
      );
    }
  }

  private applyChanges(names: readonly string[]): void {
    const s = this.settings;
    this.logger.notice('CONFIG SET', { parameters: names.join(',') });
    this.persistence.configure(names).catch((err: unknown) => {
      this.reportInternalError(err, `applying CONFIG SET ${names.join(' ')}`);
    });
    for (const name of names) {
      if (name === 'requirepass') this.acl.setRequirePass(s.requirepass);
      else if (name === 'loglevel') (this.logger as LevelledLogger).setLevel?.(parseLogLevel(s.logLevel) ?? 'notice');
      else if (name === 'acllog-max-len') {
        this.aclLog.maxLen = s.aclLogMaxLen;
        this.aclLog.trim();
      } else if (name === 'maxmemory' && s.maxmemory > 0 && this.memory.used > s.maxmemory) {
        this.logger.warning('the new maxmemory is below the memory in use: commands that add data are refused until some is freed', {
          maxmemory: s.maxmemory,
          used_memory: this.memory.used,
        });
      }
    }
  }

  private accept(socket: net.Socket, isTls: boolean): void {
    this.stats.connectionsReceived++;
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.settings.protectedMode && this.acl.defaultUser.nopass && !isLoopback(socket.remoteAddress)) {
      this.logger.verbose('protected mode: refused a client from another host', { addr: socket.remoteAddress });
      this.refuse(socket, DENIED);
      return;
    }
    if (this.connections.size >= this.settings.maxClients) {
      this.stats.rejectedConnections++;
      this.refuse(socket, '-ERR max number of clients reached\r\n');
      return;
    }
    const id = this.nextClientId++;
    const conn = new Connection(socket, this, id, (c) => this.connections.delete(c.id), isTls);
    this.connections.set(id, conn);
  }

  /** Sends one error line and closes. */
  private refuse(socket: net.Socket, line: string): void {
    socket.on('error', () => undefined);
    // Read (and drop) what the client sends, so that closing does not reset the connection.
    socket.resume();
    socket.end(line);
  }
}

export function createServer(options: ServerOptions = {}): ModelkvServer {
  return new ModelkvServer(options);
}

export { DEFAULT_BIND, DEFAULT_PORT };

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Warnings of a server made without a logger: stderr, one line each. */
function warnOnStderr(message: string, fields?: LogFields): void {
  const context = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${String(v)}`) : [];
  process.stderr.write(`modelkv-server: ${message}${context.join('')}\n`);
}

function checkDirectory(flag: string, dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${flag} '${dir}' is not a directory`);
}
