import { Socket, connect } from 'node:net';

/**
 * A reply exactly as it came off the wire, type included, so tests can tell a RESP3 double
 * from a bulk string or a simple string from a bulk one.
 */
export type RespReply =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'bulk'; readonly value: Buffer | null }
  | { readonly type: 'array'; readonly value: RespReply[] | null }
  | { readonly type: 'null' }
  | { readonly type: 'double'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bignum'; readonly value: string }
  | { readonly type: 'verbatim'; readonly format: string; readonly value: Buffer }
  | { readonly type: 'map'; readonly value: [RespReply, RespReply][] }
  | { readonly type: 'set'; readonly value: RespReply[] }
  | { readonly type: 'push'; readonly value: RespReply[] };

class Incomplete extends Error {
  /** Bytes the buffer must hold before parsing can make progress. */
  constructor(readonly need: number) {
    super(`incomplete reply: ${need} bytes needed`);
  }
}

const CRLF = Buffer.from('\r\n');

/** Parses one reply at `pos`; throws Incomplete when the buffer ends first. */
function parseAt(buf: Buffer, pos: number): [RespReply, number] {
  if (pos >= buf.length) throw new Incomplete(pos + 1);
  const eol = buf.indexOf(CRLF, pos);
  if (eol === -1) throw new Incomplete(buf.length + 1);
  const prefix = String.fromCharCode(buf[pos]!);
  const line = buf.toString('latin1', pos + 1, eol);
  let next = eol + 2;
  const many = (count: number): RespReply[] => {
    const items: RespReply[] = [];
    for (let i = 0; i < count; i++) {
      const [item, after] = parseAt(buf, next);
      items.push(item);
      next = after;
    }
    return items;
  };
  switch (prefix) {
    case '+':
      return [{ type: 'simple', value: buf.toString('utf8', pos + 1, eol) }, next];
    case '-':
      return [{ type: 'error', value: buf.toString('utf8', pos + 1, eol) }, next];
    case ':':
      return [{ type: 'integer', value: BigInt(line) }, next];
    case ',':
      return [{ type: 'double', value: line }, next];
    case '(':
      return [{ type: 'bignum', value: line }, next];
    case '#':
      return [{ type: 'boolean', value: line === 't' }, next];
    case '_':
      return [{ type: 'null' }, next];
    case '$':
    case '=': {
      const len = Number(line);
      if (len < 0) return [{ type: 'bulk', value: null }, next];
      if (buf.length < next + len + 2) throw new Incomplete(next + len + 2);
      const data = buf.subarray(next, next + len);
      next += len + 2;
      if (prefix === '=') return [{ type: 'verbatim', format: data.toString('latin1', 0, 3), value: data.subarray(4) }, next];
      return [{ type: 'bulk', value: Buffer.from(data) }, next];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [{ type: 'array', value: null }, next];
      return [{ type: 'array', value: many(count) }, next];
    }
    case '~':
      return [{ type: 'set', value: many(Number(line)) }, next];
    case '>':
      return [{ type: 'push', value: many(Number(line)) }, next];
    case '%': {
      const flat = many(Number(line) * 2);
      const pairs: [RespReply, RespReply][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return [{ type: 'map', value: pairs }, next];
    }
    default:
      throw new Error(`unexpected reply prefix ${JSON.stringify(prefix)} at byte ${pos}`);
  }
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * A bare RESP connection: writes whatever it is given and reads replies in order. It buffers
 * incoming chunks and only parses once enough bytes for the pending reply have arrived.
 */
export class RespSocket {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 1;
  private readonly replies: RespReply[] = [];
  private readonly waiters: { resolve: (r: RespReply) => void; reject: (e: Error) => void }[] = [];
  private closedError: Error | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    this.closed = new Promise((resolveClosed) => {
      socket.on('close', () => {
        this.closedError = new Error('connection closed');
        for (const w of this.waiters.splice(0)) w.reject(this.closedError);
        resolveClosed();
      });
    });
    socket.on('error', () => {
      // Reported through `close`.
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RespSocket> {
    return new Promise((resolveOpen, rejectOpen) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', rejectOpen);
        resolveOpen(new RespSocket(socket));
      });
      socket.once('error', rejectOpen);
    });
  }

  /** Sends raw bytes (inline commands, partial frames, several commands at once). */
  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  send(...args: (string | Buffer | number)[]): void {
    this.socket.write(encodeCommand(args));
  }

  /** Sends one command and waits for its reply. */
  async call(...args: (string | Buffer | number)[]): Promise<RespReply> {
    this.send(...args);
    return this.read();
  }

  read(): Promise<RespReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolveRead, rejectRead) => this.waiters.push({ resolve: resolveRead, reject: rejectRead }));
  }

  async readMany(count: number): Promise<RespReply[]> {
    const out: RespReply[] = [];
    for (let i = 0; i < count; i++) out.push(await this.read());
    return out;
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.need) return;
    let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    let pos = 0;
    for (;;) {
      try {
        const [reply, next] = parseAt(buf, pos);
        pos = next;
        this.deliver(reply);
      } catch (err) {
        if (!(err instanceof Incomplete)) throw err;
        buf = buf.subarray(pos);
        this.chunks = buf.length ? [buf] : [];
        this.buffered = buf.length;
        this.need = Math.max(1, err.need - pos);
        return;
      }
    }
  }

  private deliver(reply: RespReply): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }
}

/** A compact view of a reply for assertions: strings, bigints, arrays, `{double}`... */
export function plain(reply: RespReply): unknown {
  switch (reply.type) {
    case 'simple':
    case 'bignum':
      return reply.value;
    case 'error':
      return { error: reply.value };
    case 'integer':
      return reply.value;
    case 'bulk':
      return reply.value === null ? null : reply.value.toString('utf8');
    case 'array':
      return reply.value === null ? null : reply.value.map(plain);
    case 'null':
      return null;
    case 'double':
      return { double: reply.value };
    case 'boolean':
      return reply.value;
    case 'verbatim':
      return reply.value.toString('utf8');
    case 'map':
      return reply.value.map(([k, v]) => [plain(k), plain(v)]);
    case 'set':
    case 'push':
      return reply.value.map(plain);
  }
}

/** The text of a simple or bulk string reply; fails for anything else. */
export function text(reply: RespReply): string {
  if (reply.type === 'simple') return reply.value;
  if (reply.type === 'bulk' && reply.value) return reply.value.toString('utf8');
  throw new Error(`expected a string reply, got ${JSON.stringify(plain(reply), bigintJson)}`);
}

export function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
