import type { Socket } from 'node:net';
import { type Engine, oneLine } from '@modelkv/core';
import type { CommandContext, ClientState, ServerContext } from './context.js';
import { isClientError } from './reply-error.js';
import { ProtocolError, RespParser } from './resp-parser.js';
import { type Protocol, RespWriter } from './resp-writer.js';

/** Replies are flushed mid-batch once this much is pending, so a long pipeline feels back-pressure. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * One client. Its commands run strictly in order: a command that waits on the engine (a model
 * run, a backend load) holds back the ones after it, and reading from this client pauses
 * meanwhile; other clients are served as usual. Replies are collected while a batch of
 * pipelined commands runs and written in one go. When the socket's buffer is full, reading
 * pauses until it drains.
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
  blocked = false;

  private readonly parser: RespParser;
  /** No more commands are read; the socket closes once the pending replies are sent. */
  private closing = false;
  private closed = false;
  private waitingForDrain = false;

  constructor(
    private readonly socket: Socket,
    readonly server: ServerContext,
    id: number,
    private readonly onClose: (conn: Connection) => void,
  ) {
    this.id = id;
    this.engine = server.engine;
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.localAddress = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    this.parser = new RespParser({ maxBulkLength: server.config.settings.protoMaxBulkLen });
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    // Resets and the like: 'close' follows, which is all that matters here.
    socket.on('error', () => undefined);
    socket.on('close', this.onSocketClose);
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

  private readonly onData = (chunk: Buffer): void => {
    this.server.stats.netInputBytes += chunk.length;
    if (this.closing) return;
    this.parser.maxBulkLength = this.server.config.settings.protoMaxBulkLen;
    this.parser.feed(chunk);
    this.process();
  };

  /** Runs the complete commands received, in order, until one has to wait. */
  private process(): void {
    while (!this.blocked && !this.closing && !this.waitingForDrain) {
      let argv: Buffer[] | null;
      try {
        argv = this.parser.next();
      } catch (err) {
        const why = err instanceof ProtocolError ? err.message : `internal error: ${String(err)}`;
        this.server.stats.errorReplies++;
        this.reply.error(`ERR Protocol error: ${why}`);
        this.closing = true;
        break;
      }
      if (argv === null) break;
      this.execute(argv);
      if (this.reply.pendingBytes >= FLUSH_BYTES) this.flush();
    }
    this.flush();
  }

  private execute(argv: Buffer[]): void {
    this.lastInteraction = Date.now();
    const spec = this.server.commands.lookup(argv);
    if (typeof spec === 'string') {
      this.server.stats.errorReplies++;
      this.reply.error(spec);
      return;
    }
    this.lastCommand = spec.name;
    this.server.stats.commandsProcessed++;
    let result: void | Promise<void>;
    try {
      result = spec.handler!(this, argv);
    } catch (err) {
      this.replyError(err);
      return;
    }
    if (result === undefined) return;
    this.blocked = true;
    this.updateReading();
    result.then(
      () => this.unblock(),
      (err: unknown) => {
        this.replyError(err);
        this.unblock();
      },
    );
  }

  private unblock(): void {
    this.blocked = false;
    if (this.closed) return;
    this.updateReading();
    this.process();
  }

  private replyError(err: unknown): void {
    this.server.stats.errorReplies++;
    if (isClientError(err)) {
      this.reply.error(err.reply);
      return;
    }
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
    if (this.blocked || this.waitingForDrain) this.socket.pause();
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
    this.onClose(this);
  };
}
