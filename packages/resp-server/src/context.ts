import type { Engine } from '@modelkv/core';
import type { CommandStats } from './command-stats.js';
import type { CommandSpec, CommandTable } from './command-table.js';
import type { ServerConfig } from './config.js';
import type { Protocol, RespWriter } from './resp-writer.js';
import type { ServerStats } from './stats.js';

/** What a command handler sees of the client that sent the command. */
export interface ClientState {
  readonly id: number;
  name: string;
  libName: string;
  libVer: string;
  protocol: Protocol;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly createdAt: number;
  readonly lastInteraction: number;
  /** Full name of the last command run (`client|list`), for CLIENT LIST. */
  readonly lastCommand: string;
  /** Whether a command of this client is waiting on the engine. */
  readonly blocked: boolean;
  readonly queryBufferBytes: number;
  readonly outputBufferBytes: number;
}

/** What a command handler sees of the server. */
export interface ServerContext {
  readonly engine: Engine;
  readonly commands: CommandTable;
  readonly config: ServerConfig;
  readonly stats: ServerStats;
  /** Per-command calls, times and latency histograms (INFO commandstats, latencystats). */
  readonly commandStats: CommandStats;
  readonly version: string;
  readonly runId: string;
  readonly startedAt: number;
  /** The TCP port listened on (0 before listening). */
  readonly port: number;
  clients(): Iterable<ClientState>;
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
  /** Aborted when the client's connection closes; a command that waits passes it to the engine. */
  readonly signal: AbortSignal;
  /** Closes the connection once the replies written so far have been sent (QUIT). */
  closeAfterReply(): void;
}
