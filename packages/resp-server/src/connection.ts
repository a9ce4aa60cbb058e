import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Engine, isReplyError, oneLine } from '@modelkv/core';
import type { CommandSpec } from './command-table.js';
import type { CommandContext, ClientState, ServerContext } from './context.js';
import { isReadBufferView } from './read-buffer.js';
import { ProtocolError, RespParser } from './resp-parser.js';
import { type Protocol, RespWriter } from './resp-writer.js';
import { readInto } from './socket-reader.js';

/** The commands' clock (`performance.now()`, milliseconds) as epoch milliseconds. */
const CLOCK_ORIGIN = performance.timeOrigin;

/** Replies are flushed mid-batch once this much is pending, so a long pipeline feels back-pressure. */
const FLUSH_BYTES = 1024 * 1024;
/**
 * While a command waits, reading goes on until this much is held unparsed: a client that leaves
 * is noticed (and its run dropped if it has not started), one that pipelines is held back.
 */
const BLOCKED_READ_BYTES = 64 * 1024;

/** The constructor of async functions, which has no global name. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async function is needed for its constructor, not for awaiting
const AsyncFunction = (async () => undefined).constructor;

/**
 * One client. Its commands run strictly in order: a command that waits on the engine (a model
 * run, a backend load) holds back the ones after it; reading from this client goes on only until
 * a little is held unparsed, so that its leaving is noticed: `signal` is then aborted, which
 * drops a run that has not started. Other clients are served as usual. Replies are collected while a batch of
 * pipelined commands runs and written in one go. When the socket's buffer is full, reading
 * pauses until it drains.
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
  readonly createdAt = Date.now();
  name = '';
  libName = '';
  libVer = '';
  lastInteraction = this.createdAt;
  lastCommand = 'NULL';
  command!: CommandSpec;
  blocked = false;

  private readonly parser: RespParser;
  private readonly socket: Socket;
  private readonly aborter = new AbortController();
  /** No more commands are read; the socket closes once the pending replies are sent. */
  private closing = false;
  private closed = false;
  private waitingForDrain = false;

  constructor(
    accepted: Socket,
    readonly server: ServerContext,
    id: number,
    private readonly onClose: (conn: Connection) => void,
  ) {
    this.id = id;
    this.engine = server.engine;
    this.remoteAddress = `${accepted.remoteAddress ?? '?'}:${accepted.remotePort ?? 0}`;
    this.localAddress = `${accepted.localAddress ?? '?'}:${accepted.localPort ?? 0}`;
    const parser = new RespParser({ maxBulkLength: server.config.settings.protoMaxBulkLen });
    this.parser = parser;
    const socket = readInto(accepted, { buffer: () => parser.readBuffer(), received: this.onRead });
    this.socket = socket ?? accepted;
    if (socket === null) {
      // The handle could not be taken over: the chunks Node reads are copied into the parser.
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

  /** Aborted once the connection has closed. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  get protocol(): Protocol {
    return this.reply.protocol;
  }

  set protocol(p: Protocol) {
    this.reply.protocol = p;
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

  /** `n` bytes were read into `buf`: the region the parser lent, or a chunk of Node's own. */
  private readonly onRead = (n: number, buf: Buffer): void => {
    this.server.stats.netInputBytes += n;
    if (this.closing) return;
    this.parser.maxBulkLength = this.server.config.settings.protoMaxBulkLen;
    this.parser.received(n, buf);
    if (this.blocked) {
      this.updateReading();
      return;
    }
    this.process();
  };

  /** Runs the complete commands received, in order, until one has to wait. */
  private process(): void {
    // One clock read per command: the time a command is answered is when the next one starts.
    let now = this.server.commandStats.now();
    while (!this.blocked && !this.closing && !this.waitingForDrain) {
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
      now = this.execute(argv, now);
      if (this.reply.pendingBytes >= FLUSH_BYTES) {
        this.flush();
        now = this.server.commandStats.now();
      }
    }
    this.flush();
  }

  /**
   * Runs a command that starts at `startedAt` (the commands' clock). Returns when it was
   * answered, or `startedAt` when it was refused or waits.
   */
  private execute(argv: Buffer[], startedAt: number): number {
    this.lastInteraction = CLOCK_ORIGIN + startedAt;
    const spec = this.server.commands.lookup(argv);
    if (typeof spec === 'string') {
      this.server.stats.errorReplies++;
      this.server.commandStats.rejected(this.server.commands.find(argv));
      this.reply.error(spec);
      return startedAt;
    }
    this.lastCommand = spec.name;
    this.command = spec;
    const handler = spec.handler!;
    if (handler instanceof AsyncFunction) argv = ownArgs(argv);
    let result: void | Promise<void> = undefined;
    let failed = false;
    try {
      result = handler(this, argv);
    } catch (err) {
      this.replyError(err);
      failed = true;
    }
    if (result === undefined) return this.answered(spec, startedAt, failed);
    this.blocked = true;
    this.updateReading();
    result.then(
      () => {
        this.answered(spec, startedAt, false);
        this.unblock();
      },
      (err: unknown) => {
        this.replyError(err);
        this.answered(spec, startedAt, true);
        this.unblock();
      },
    );
    return startedAt;
  }

  /**
   * A command has been answered: it counts in INFO stats and commandstats (after it ran, as in
   * Redis). Returns the time.
   */
  private answered(spec: CommandSpec, startedAt: number, failed: boolean): number {
    this.server.stats.commandsProcessed++;
    return this.server.commandStats.record(spec, startedAt, failed);
  }

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

  private flush(): void {
    if (this.closed) {
      this.reply.discard();
      return;
    }
    const before = this.reply.written;
    const ok = this.reply.flushTo(this.socket);
    this.server.stats.netOutputBytes += this.reply.written - before;
    if (!ok && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.updateReading();
    }
    if (this.closing) this.end();
  }

  private readonly onDrain = (): void => {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    this.updateReading();
    this.process();
  };

  private updateReading(): void {
    if (this.closed) return;
    if (this.waitingForDrain || (this.blocked && this.parser.bufferedBytes >= BLOCKED_READ_BYTES)) this.socket.pause();
    else this.socket.resume();
  }

  private end(): void {
    if (this.socket.writableEnded) return;
    this.socket.end(() => this.socket.destroy());
  }

  private readonly onSocketClose = (): void => {
    this.closed = true;
    this.closing = true;
    this.reply.discard();
    this.aborter.abort();
    this.onClose(this);
  };
}

/** Copies of the arguments that view a read buffer, for a command that uses them after waiting. */
function ownArgs(argv: Buffer[]): Buffer[] {
  return argv.map((a) => (isReadBufferView(a) ? Buffer.from(a) : a));
}
