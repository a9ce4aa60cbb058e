import net from 'node:net';

/** An error reply, kept apart from strings so tests can tell them from status replies. */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/** Status replies (`+OK`) decode to this, bulk strings to Buffers. */
export class Status {
  constructor(readonly text: string) {}
}

export type Reply = Status | ErrorReply | number | bigint | Buffer | null | boolean | Reply[] | Map<string, Reply>;

/** Decodes one reply at `pos`; undefined when the data is incomplete. */
export function decodeReply(buf: Buffer, pos: number): { value: Reply; next: number } | undefined {
  if (pos >= buf.length) return undefined;
  const lf = buf.indexOf('\r\n', pos);
  if (lf === -1) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('utf8', pos + 1, lf);
  const after = lf + 2;
  switch (type) {
    case '+':
      return { value: new Status(line), next: after };
    case '-':
      return { value: new ErrorReply(line), next: after };
    case ':': {
      const n = BigInt(line);
      return { value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, next: after };
    }
    case ',':
      return { value: line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line), next: after };
    case '#':
      return { value: line === 't', next: after };
    case '_':
      return { value: null, next: after };
    case '$':
    case '=': {
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (after + len + 2 > buf.length) return undefined;
      return { value: buf.subarray(after, after + len), next: after + len + 2 };
    }
    case '*':
    case '~':
    case '%': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: Reply[] = [];
      let p = after;
      const total = type === '%' ? count * 2 : count;
      for (let i = 0; i < total; i++) {
        const item = decodeReply(buf, p);
        if (!item) return undefined;
        items.push(item.value);
        p = item.next;
      }
      if (type !== '%') return { value: items, next: p };
      const map = new Map<string, Reply>();
      for (let i = 0; i < items.length; i += 2) map.set(text(items[i]!), items[i + 1]!);
      return { value: map, next: p };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

/** Encodes a request as a RESP multibulk. */
export function encodeCommand(args: readonly (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Text of a status or bulk reply. */
export function text(r: Reply): string {
  if (r instanceof Status) return r.text;
  if (Buffer.isBuffer(r)) return r.toString();
  if (r instanceof ErrorReply) return r.message;
  if (Array.isArray(r) || r instanceof Map) throw new Error('text() takes a status, bulk or scalar reply, not an aggregate');
  return String(r);
}

/** A bare RESP client over a socket, enough to drive the server in tests. */
export class RespClient {
  private data = Buffer.alloc(0);
  private readonly replies: Reply[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
      let pos = 0;
      for (;;) {
        const r = decodeReply(this.data, pos);
        if (!r) break;
        this.replies.push(r.value);
        pos = r.next;
      }
      this.data = this.data.subarray(pos);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => {
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  send(...args: (string | number | Buffer)[]): void {
    this.socket.write(encodeCommand(args));
  }

  sendRaw(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  async call(...args: (string | number | Buffer)[]): Promise<Reply> {
    this.send(...args);
    return (await this.read(1))[0]!;
  }

  /** Waits for `n` replies; rejects if the connection closes first. */
  async read(n: number): Promise<Reply[]> {
    while (this.replies.length < n) {
      if (this.closed) throw new Error(`connection closed after ${this.replies.length} of ${n} replies`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.replies.splice(0, n);
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
