import type { Engine, Logger } from '@modelkv/core';
import type { Persistence } from '@modelkv/persistence';
import type { AclLog } from './acl/acl-log.js';
import type { AclUser } from './acl/user.js';
import type { AclUsers } from './acl/users.js';
import type { CommandStats } from './command-stats.js';
import type { CommandSpec, CommandTable } from './command-table.js';
import type { MemoryMeter } from './memory.js';
import type { RateLimitedLog } from './rate-limited-log.js';
import type { ServerConfig } from './config.js';
import type { ExecGate } from './exec-gate.js';
import type { FastPath } from './fast-path.js';
import type { Protocol, RespWriter } from './resp-writer.js';
import type { ServerStats } from './stats.js';
import type { QueuedCommand, Transaction } from './transaction.js';
import type { WatchRegistry } from './watch-registry.js';

/** What a command handler sees of the client that sent the command. */
export interface ClientState {
  readonly id: number;
  name: string;
  libName: string;
  libVer: string;
  protocol: Protocol;
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** The client connects from a loopback address (127.0.0.0/8, ::1): Redis's local connection. */
  readonly isLocal: boolean;
  /** The connection came through the TLS listener. */
  readonly tls: boolean;
  /** The ACL user the connection runs as (the default user until AUTH or HELLO AUTH). */
  user: AclUser;
  /** AUTH (or HELLO AUTH) succeeded, or none was needed when the connection opened. */
  authenticated: boolean;
  readonly createdAt: number;
  readonly lastInteraction: number;
  /** Full name of the last command run (`client|list`), for CLIENT LIST. */
  readonly lastCommand: string;
  /** Whether a command of this client is waiting on the engine. */
  readonly blocked: boolean;
  readonly queryBufferBytes: number;
  readonly outputBufferBytes: number;
  /** Commands queued since MULTI, or -1 outside MULTI. */
  readonly multiCount: number;
}

/** What a command handler sees of the server. */
export interface ServerContext {
  readonly engine: Engine;
  readonly commands: CommandTable;
  readonly config: ServerConfig;
  readonly stats: ServerStats;
  /** Per-command calls, times and latency histograms (INFO commandstats, latencystats). */
  readonly commandStats: CommandStats;
  readonly acl: AclUsers;
  readonly aclLog: AclLog;
  readonly memory: MemoryMeter;
  /** Where failed authentications are logged (rate-limited: a client can cause them at will). */
  readonly authFailures: RateLimitedLog;
  /** Where the server reports what happens (the bin's logger, or nowhere). */
  readonly logger: Logger;
  /** Directory relative paths (backends) are resolved against. */
  readonly cwd: string;
  readonly version: string;
  readonly runId: string;
  readonly startedAt: number;
  /** The TCP port listened on (0 before listening, or when serving TLS only). */
  readonly port: number;
  /** The largest query and output buffers of a client in the last few seconds (INFO clients). */
  clientBufferPeaks(): { readonly input: number; readonly output: number };
  readonly persistence: Persistence;
  /** Lets a command run while every other client waits (EXEC with runs, SAVE, DEBUG RELOAD). */
  readonly gate: ExecGate;
  /** When commands may skip the checks before they run (see FastPath). */
  readonly fastPath: FastPath;
  readonly watches: WatchRegistry;
  clients(): Iterable<ClientState>;
  /** Closes the connections of these users (deleted or redefined by ACL DELUSER or ACL LOAD). */
  disconnectUsers(users: readonly AclUser[]): void;
  /** Closes the server and every client; the bin then exits. */
  shutdown(): void;
  /**
   * Something failed that is a bug or the machine's trouble, not the client's: it is logged
   * here (where a client asked, it also gets `ERR internal error: ...`).
   */
  reportInternalError(err: unknown, context: string): void;
}

/** The argument a handler gets: the reply writer, the engine, the server and the client. */
export interface CommandContext {
  readonly reply: RespWriter;
  readonly engine: Engine;
  readonly server: ServerContext;
  readonly client: ClientState;
  /** The command being run (for its arity error: `wrongArity(ctx.command, argv)`). */
  readonly command: CommandSpec;
  /** This client's MULTI / WATCH state. */
  readonly tx: Transaction;
  /** Aborted when the client's connection closes; a command that waits passes it to the engine. */
  readonly signal: AbortSignal;
  /** Closes the connection once the replies written so far have been sent (QUIT). */
  closeAfterReply(): void;
  /** Runs a command queued by MULTI, its reply (or error) written in place; a promise when it waits. */
  runQueued(command: QueuedCommand): Promise<void> | undefined;
}
