import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Engine, isReplyError, oneLine } from '@modelkv/core';
import { admit, needsAdmission } from './admission.js';
import type { AclUser } from './acl/user.js';
import type { CommandSpec } from './command-table.js';
import type { CommandContext, ClientState, ServerContext } from './context.js';
import { refusal } from './dispatch-checks.js';
import { quietClient } from './fast-path.js';
import { isReadBufferView } from './read-buffer.js';
import { ProtocolError, RespParser } from './resp-parser.js';
import { type Protocol, RespWriter } from './resp-writer.js';
import { ReplyMarks } from './reply-marks.js';
import { readInto } from './socket-reader.js';
import { type QueuedCommand, Transaction, runsInsideMulti } from './transaction.js';

/** The commands' clock (`performance.now()`, milliseconds) as epoch milliseconds. */
const CLOCK_ORIGIN = performance.timeOrigin;

/** Replies are flushed mid-batch once this much is pending, so a long pipeline feels back-pressure. */
const FLUSH_BYTES = 1024 * 1024;
/**
 * While a command waits, reading goes on until this much is held unparsed: a client that leaves
 * is noticed (and its run dropped if it has not started), one that pipelines is held back.
 */
const BLOCKED_READ_BYTES = 64 * 1024;

/** The signal of the commands a transaction runs: they run whether or not their client is still there. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * One client. Its commands run strictly in order: a command that waits on the engine (a model
 * run, a backend load) holds back the ones after it; reading from this client goes on only until
 * a little is held unparsed, so that its leaving is noticed: `signal` is then aborted, which
 * drops a run that has not started (runs queued by MULTI excepted: EXEC runs them all). Other
 * clients are served as usual. Replies are collected while a batch of pipelined commands runs and
 * written in one go, each sent once the append-only file holds what it acknowledges. When the
 * socket's buffer is full, reading pauses until it drains.
 *
 * Requests are read straight into memory the parser lends (a read buffer, shared by all idle
 * connections, or the buffer of a large bulk string in progress); the socket must come paused
 * from the server (`pauseOnConnect`), so that no read has happened elsewhere. Arguments may view
 * a read buffer, valid only until the next read: a handler that waits must be an async function,
 * and it gets copies of them.
 */
export class Connection implements CommandContext, ClientState {
  readonly reply = new RespWriter();
  readonly engine: Engine;
  readonly client: ClientState = this;
  readonly id: number;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly isLocal: boolean;
  readonly tls: boolean;
  readonly createdAt = Date.now();
  name = '';
  libName = '';
  libVer = '';
  lastInteraction = this.createdAt;
  lastCommand = 'NULL';
  command!: CommandSpec;
  blocked = false;
  readonly tx = new Transaction(() => {
    this.fastAt = -1;
  });

  private readonly parser: RespParser;
  private readonly socket: Socket;
  private readonly aborter = new AbortController();
  /** No more commands are read; the socket closes once the pending replies are sent. */
  private closing = false;
  private closed = false;
  private waitingForDrain = false;
  /** A command of this connection is on the stack (execute). */
  private executing = false;
  /** When the output passed the soft limit (0: it is below). */
  private softLimitSince = 0;
  /** Replies held back until the append-only file holds what they acknowledge. */
  private readonly marks = new ReplyMarks();
  private waitingForDisk = false;
  /** Another client runs alone (ExecGate), or the append-only file is behind: the next command waits. */
  private held = false;
  /** A command EXEC took from the queue is being started (`runQueued`). */
  private runningQueued = false;
  /**
   * The server's FastPath version at which this client's commands were found free to skip the
   * checks before running (-1: they must look). Reset when its user, authentication or MULTI
   * state changes.
   */
  private fastAt = -1;
  private userNow: AclUser;
  private authenticatedNow: boolean;

  /**
   * `tls`: the socket is a TLS one, which is read the ordinary way (Node's chunks): the direct
   * read path takes over a plain TCP handle only.
   */
  constructor(
    accepted: Socket,
    readonly server: ServerContext,
    id: number,
    private readonly onClose: (conn: Connection) => void,
    tls = false,
  ) {
    this.id = id;
    this.engine = server.engine;
    this.tls = tls;
    this.remoteAddress = `${accepted.remoteAddress ?? '?'}:${accepted.remotePort ?? 0}`;
    this.localAddress = `${accepted.localAddress ?? '?'}:${accepted.localPort ?? 0}`;
    this.isLocal = isLoopback(accepted.remoteAddress);
    this.userNow = server.acl.defaultUser;
    this.authenticatedNow = this.userNow.nopass && this.userNow.enabled;
    const parser = new RespParser({ maxBulkLength: server.config.settings.protoMaxBulkLen });
    this.parser = parser;
    const socket = tls ? null : readInto(accepted, { buffer: () => parser.readBuffer(), received: this.onRead });
    this.socket = socket ?? accepted;
    if (socket === null) {
      // TLS, or a handle that could not be taken over: the chunks Node reads are copied into the parser.
      accepted.on('data', (chunk: Buffer) => {
        this.onRead(chunk.length, chunk);
        parser.settle();
      });
      accepted.resume();
    }
    this.socket.setNoDelay(true);
    this.socket.on('drain', this.onDrain);
    // Resets and the like: 'close' follows, which is all that matters here.
    this.socket.on('error', () => undefined);
    this.socket.on('close', this.onSocketClose);
  }

  /** Aborted once the connection has closed; never for a command EXEC runs. */
  get signal(): AbortSignal {
    return this.runningQueued ? NEVER_ABORTED : this.aborter.signal;
  }

  get user(): AclUser {
    return this.userNow;
  }

  set user(user: AclUser) {
    this.userNow = user;
    this.fastAt = -1;
  }

  get authenticated(): boolean {
    return this.authenticatedNow;
  }

  set authenticated(on: boolean) {
    this.authenticatedNow = on;
    this.fastAt = -1;
  }

  get protocol(): Protocol {
    return this.reply.protocol;
  }

  set protocol(p: Protocol) {
    this.reply.protocol = p;
  }

  get multiCount(): number {
    return this.tx.count;
  }

  get queryBufferBytes(): number {
    return this.parser.bufferedBytes;
  }

  get outputBufferBytes(): number {
    return this.reply.pendingBytes + this.socket.writableLength;
  }

  closeAfterReply(): void {
    this.closing = true;
  }

  /** Closes the connection now (shutdown). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /**
   * Closes the connection because its user is gone (ACL DELUSER, ACL LOAD): now, or once the
   * reply of the command running is sent when it is this connection's own.
   */
  disconnect(): void {
    this.user = this.server.acl.defaultUser;
    this.authenticated = false;
    if (this.executing) this.closing = true;
    else this.destroy();
  }

  /** `n` bytes were read into `buf`: the region the parser lent, or a chunk of Node's own. */
  private readonly onRead = (n: number, buf: Buffer): void => {
    this.server.stats.netInputBytes += n;
    if (this.closing) return;
    const settings = this.server.config.settings;
    // Commands mark the interaction too; a read does where idle clients are closed, so that a
    // request arriving slowly is not taken for idleness.
    if (settings.timeout > 0) this.lastInteraction = Date.now();
    this.parser.maxBulkLength = settings.protoMaxBulkLen;
    this.parser.received(n, buf);
    if (this.parser.requestBytes > settings.clientQueryBufferLimit) {
      this.server.stats.queryBufferLimitDisconnections++;
      this.closeForLimit('query buffer', this.parser.requestBytes, settings.clientQueryBufferLimit);
      return;
    }
    if (this.blocked) {
      this.updateReading();
      return;
    }
    this.process();
  };

  /** Closes this client, and only it, for passing one of its limits; the log says which. */
  private closeForLimit(what: 'query buffer' | 'output buffer', bytes: number, limit: number): void {
    this.server.logger.warning(`closing client that reached its ${what} limit`, {
      client: this.id,
      addr: this.remoteAddress,
      user: this.user.name,
      bytes,
      limit,
    });
    this.closing = true;
    this.reply.discard();
    this.socket.destroy();
  }

  /** Runs the complete commands received, in order, until one has to wait. */
  private process(): void {
    // One clock read per command: the time a command is answered is when the next one starts.
    let now = this.server.commandStats.now();
    while (!this.blocked && !this.closing && !this.waitingForDrain && !this.held) {
      const fast = this.fastPathOpen();
      if (!fast && this.mustWait()) break;
      let argv: Buffer[] | null;
      try {
        argv = this.parser.next();
      } catch (err) {
        let why: string;
        if (err instanceof ProtocolError) {
          why = err.message;
        } else {
          this.server.reportInternalError(err, `parsing a request from client ${this.id}`);
          why = `internal error: ${oneLine(String(err))}`;
        }
        this.server.stats.errorReplies++;
        this.reply.error(`ERR Protocol error: ${why}`);
        this.closing = true;
        break;
      }
      if (argv === null) break;
      now = this.execute(argv, now, fast);
      if (this.reply.pendingBytes >= FLUSH_BYTES) {
        this.flush();
        now = this.server.commandStats.now();
      }
    }
    this.flush();
  }

  /**
   * Whether this client's commands may skip the checks before running (see FastPath): one
   * comparison while nothing they depend on has changed.
   */
  private fastPathOpen(): boolean {
    const fastPath = this.server.fastPath;
    if (this.fastAt === fastPath.version) return true;
    if (!quietClient(this, this.tx) || !fastPath.serverQuiet(this.server)) return false;
    this.fastAt = fastPath.version;
    return true;
  }

  /**
   * Whether the next command must wait: another client runs alone (ExecGate), or the append-only
   * file is too far behind. It is then held until `onReleased`.
   */
  private mustWait(): boolean {
    if (this.server.gate.holds(this)) {
      this.held = true;
      this.updateReading();
      this.server.gate.hold(this.onReleased);
      return true;
    }
    if (this.server.persistence.backlogged()) {
      this.held = true;
      this.updateReading();
      this.server.persistence.whenCaughtUp(this.onReleased);
      return true;
    }
    return false;
  }

  /**
   * Runs a command that starts at `startedAt` (the commands' clock), or queues it inside MULTI.
   * Returns when it was answered, or `startedAt` when it was refused, queued or waits. `fast`:
   * the checks before running cannot refuse or queue it (see FastPath).
   */
  private execute(argv: Buffer[], startedAt: number, fast: boolean): number {
    this.lastInteraction = CLOCK_ORIGIN + startedAt;
    const spec = this.server.commands.lookup(argv);
    if (typeof spec === 'string') {
      this.tx.refused();
      this.server.stats.errorReplies++;
      this.server.commandStats.rejected(this.server.commands.find(argv));
      this.reply.error(spec);
      return startedAt;
    }
    if (!fast) {
      const refused = this.refusedBeforeRunning(spec, argv);
      if (refused !== undefined) {
        this.tx.refused();
        this.server.stats.errorReplies++;
        this.server.commandStats.rejected(spec);
        this.reply.error(refused);
        return startedAt;
      }
      if (this.tx.active && !runsInsideMulti(spec)) {
        // Queued commands count in commandstats when EXEC runs them, as in Redis.
        this.lastCommand = spec.name;
        this.tx.add({ spec, argv: ownArgs(argv) });
        this.reply.simple('QUEUED');
        return startedAt;
      }
    }
    const waiting = this.invoke(spec, argv, startedAt, fast);
    if (typeof waiting === 'number') return waiting;
    this.blocked = true;
    this.updateReading();
    void waiting.then(() => {
      this.unblock();
    });
    return startedAt;
  }

  /** Why the checks before running refuse a command (admission, then the server's state), or undefined. */
  private refusedBeforeRunning(spec: CommandSpec, argv: Buffer[]): string | undefined {
    if (needsAdmission(this, spec)) {
      const denied = admit(this.server, this, spec, argv);
      if (denied) return denied.reply;
    }
    return refusal(this, spec);
  }

  /**
   * Runs a command EXEC took from the queue; it counts in commandstats as a call of its own.
   * A run started here is not dropped when the client leaves: EXEC runs the whole transaction.
   */
  runQueued(command: QueuedCommand): Promise<void> | undefined {
    this.runningQueued = true;
    try {
      const waiting = this.invoke(command.spec, command.argv, this.server.commandStats.now(), false);
      return typeof waiting === 'number' ? undefined : waiting;
    } finally {
      this.runningQueued = false;
    }
  }

  /**
   * Runs a command's handler, its error (if any) written as the reply, and counts it once
   * answered. Returns when it was answered, or a promise, which never rejects, when the handler
   * waits. `fast`: the fast path was open when it started (no append-only file to wait for).
   */
  private invoke(spec: CommandSpec, argv: Buffer[], startedAt: number, fast: boolean): number | Promise<void> {
    this.lastCommand = spec.name;
    this.command = spec;
    const handler = spec.handler!;
    const start = this.reply.written + this.reply.pendingBytes;
    const waits = spec.waits;
    if (waits) {
      argv = ownArgs(argv);
      this.server.gate.started();
    }
    let result: void | Promise<void> = undefined;
    let failed = false;
    this.executing = true;
    try {
      result = handler(this, argv);
    } catch (err) {
      this.replyError(err);
      failed = true;
    }
    this.executing = false;
    if (result === undefined) {
      // Still open after the handler: no append-only file was turned on, nothing to wait for.
      if (!fast || this.fastAt !== this.server.fastPath.version) this.marks.add(start, this.server.persistence.durabilityPoint());
      return this.answered(spec, startedAt, failed);
    }
    if (!waits) this.server.gate.started();
    return result.then(
      () => {
        this.server.gate.finished();
        this.answered(spec, startedAt, false);
        this.marks.add(start, this.server.persistence.durabilityPoint());
      },
      (err: unknown) => {
        this.server.gate.finished();
        this.replyError(err);
        this.answered(spec, startedAt, true);
        this.marks.add(start, this.server.persistence.durabilityPoint());
      },
    );
  }

  /**
   * A command has been answered: it counts in INFO stats and commandstats (after it ran, as in
   * Redis). Returns the time.
   */
  private answered(spec: CommandSpec, startedAt: number, failed: boolean): number {
    this.server.stats.commandsProcessed++;
    return this.server.commandStats.record(spec, startedAt, failed);
  }

  private readonly onDurable = (): void => {
    this.waitingForDisk = false;
    if (this.closed) return;
    this.flush();
    this.updateReading();
    this.process();
  };

  private readonly onReleased = (): void => {
    this.held = false;
    if (this.closed) return;
    this.updateReading();
    this.process();
  };

  private unblock(): void {
    this.blocked = false;
    if (this.closed) return;
    this.updateReading();
    this.process();
  }

  private replyError(err: unknown): void {
    this.server.stats.errorReplies++;
    if (isReplyError(err)) {
      this.reply.error(err.reply);
      return;
    }
    this.server.reportInternalError(err, `running ${this.command.name} for client ${this.id}`);
    const message = err instanceof Error ? err.message : String(err);
    this.reply.error(`ERR internal error: ${oneLine(message)}`);
  }

  /**
   * Sends the replies written so far, up to the first one whose writes the append-only file does
   * not hold yet (group commit: one write, and with appendfsync always one fdatasync, for all the
   * clients of a turn of the event loop); `onDurable` sends the rest.
   */
  private flush(): void {
    if (this.closed || this.socket.destroyed) {
      this.reply.discard();
      return;
    }
    const persistence = this.server.persistence;
    const limit = this.marks.limit(persistence.durable);
    const before = this.reply.written;
    const ok = this.reply.flushTo(this.socket, limit - before);
    this.server.stats.netOutputBytes += this.reply.written - before;
    if (this.checkOutputLimit()) return;
    if (!ok && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.updateReading();
    }
    if (limit !== Infinity) {
      if (!this.waitingForDisk) {
        this.waitingForDisk = true;
        persistence.whenDurable(this.marks.next, this.onDurable);
      }
      return;
    }
    if (this.closing) this.end();
  }

  /**
   * client-output-buffer-limit for normal clients: replies not yet sent past the hard limit, or
   * past the soft one for longer than its seconds, close this client. True when it did.
   */
  private checkOutputLimit(): boolean {
    const limit = this.server.config.settings.clientOutputBufferLimit;
    if (limit.hard === 0 && limit.soft === 0) return false;
    const bytes = this.outputBufferBytes;
    let reached = limit.hard > 0 && bytes >= limit.hard;
    if (!reached && limit.soft > 0 && bytes >= limit.soft) {
      const now = Date.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else reached = now - this.softLimitSince > limit.softSeconds * 1000;
    } else if (!reached) {
      this.softLimitSince = 0;
    }
    if (!reached) return false;
    this.server.stats.outputBufferLimitDisconnections++;
    this.closeForLimit('output buffer', bytes, limit.hard > 0 && bytes >= limit.hard ? limit.hard : limit.soft);
    return true;
  }

  private readonly onDrain = (): void => {
    this.softLimitSince = 0;
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    this.updateReading();
    this.process();
  };

  private updateReading(): void {
    if (this.closed) return;
    if (this.waitingForDrain || this.held || (this.blocked && this.parser.bufferedBytes >= BLOCKED_READ_BYTES)) this.socket.pause();
    else this.socket.resume();
  }

  private end(): void {
    if (this.socket.writableEnded) return;
    this.socket.end(() => this.socket.destroy());
  }

  private readonly onSocketClose = (): void => {
    this.closed = true;
    this.closing = true;
    this.server.watches.unwatchAll(this.tx);
    this.reply.discard();
    this.aborter.abort();
    this.onClose(this);
  };
}

/** Redis's local connection: from 127.0.0.0/8 or ::1 (IPv4 ones also as ::ffff:127.x.y.z). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** Copies of the arguments that view a read buffer, for a command that uses them after waiting. */
function ownArgs(argv: Buffer[]): Buffer[] {
  return argv.map((a) => (isReadBufferView(a) ? Buffer.from(a) : a));
}
