import net from 'node:net';
import tls from 'node:tls';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface ListenPlan {
  /** Addresses separated by spaces; a leading `-` makes one optional (skipped where unavailable). */
  readonly bind: string;
  /** TCP port; 0 picks a free one, or with a TLS port means no TCP listener (TLS only). */
  readonly port: number;
  /** TLS port; 0 is no TLS listener. */
  readonly tlsPort: number;
  /** The TLS server's options (certificates), needed with a TLS port. */
  readonly tls?: tls.TlsOptions;
  /** Whether a client certificate is checked only when one is presented (tls-auth-clients optional). */
  readonly tlsOptionalClientCert?: boolean;
}

export interface Listening {
  readonly tcp: readonly ListenAddress[];
  readonly tls: readonly ListenAddress[];
}

/** Size of the socket buffers: a write returning false (back-pressure) means this much is queued. */
const SOCKET_BUFFER_BYTES = 1024 * 1024;
const SOCKET_OPTIONS = { noDelay: true, keepAlive: true, highWaterMark: SOCKET_BUFFER_BYTES };
/** Errors that mean an address is not on this machine: an optional (`-`) one is then skipped. */
const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

interface BindAddress {
  readonly host: string;
  readonly optional: boolean;
}

function bindAddresses(bind: string): BindAddress[] {
  return bind
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => {
      const optional = w.startsWith('-');
      const host = optional ? w.slice(1) : w;
      return { host: host === '*' ? '0.0.0.0' : host === '::*' ? '::' : host, optional };
    });
}

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * The listening sockets: TCP on each bind address, and TLS on each when a TLS port is set.
 * Accepted TCP sockets come paused (a connection reads into its own memory from the first byte);
 * TLS ones come once their handshake is done.
 */
export class Listeners {
  private readonly servers: net.Server[] = [];

  constructor(
    private readonly onSocket: (socket: net.Socket, isTls: boolean) => void,
    /** An error after listening (EMFILE on accept, a failed TLS handshake). */
    private readonly onError: (err: Error, what: string) => void,
  ) {}

  async open(plan: ListenPlan): Promise<Listening> {
    const addresses = bindAddresses(plan.bind);
    if (addresses.length === 0) throw new Error('no address to listen on (--bind)');
    const tcp: ListenAddress[] = [];
    const secure: ListenAddress[] = [];
    try {
      if (plan.port !== 0 || plan.tlsPort === 0) {
        let port = plan.port;
        for (const a of addresses) {
          const bound = await this.listenOne(this.tcpServer(), port, a);
          if (bound === undefined) continue;
          port = bound;
          tcp.push({ host: a.host, port });
        }
      }
      if (plan.tlsPort !== 0) {
        if (!plan.tls) throw new Error('a TLS port needs a certificate and key');
        for (const a of addresses) {
          const bound = await this.listenOne(this.tlsServer(plan), plan.tlsPort, a);
          if (bound !== undefined) secure.push({ host: a.host, port: bound });
        }
      }
      if (tcp.length + secure.length === 0) throw new Error(`none of the addresses '${plan.bind}' is available`);
    } catch (err) {
      await this.close();
      throw err;
    }
    return { tcp, tls: secure };
  }

  close(): Promise<void> {
    const open = this.servers.splice(0).filter((s) => s.listening);
    return Promise.all(
      open.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => {
              resolve();
            });
          }),
      ),
    ).then(() => undefined);
  }

  /** Listens; undefined when an optional address is not available here. */
  private async listenOne(server: net.Server, port: number, a: BindAddress): Promise<number | undefined> {
    this.servers.push(server);
    try {
      const bound = await listenOn(server, port, a.host);
      server.on('error', (err) => {
        this.onError(err, 'accepting connections');
      });
      return bound;
    } catch (err) {
      this.servers.splice(this.servers.indexOf(server), 1);
      if (a.optional && UNAVAILABLE.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
  }

  private tcpServer(): net.Server {
    return net.createServer({ ...SOCKET_OPTIONS, pauseOnConnect: true }, (socket) => {
      this.onSocket(socket, false);
    });
  }

  private tlsServer(plan: ListenPlan): tls.Server {
    const server = tls.createServer({ ...SOCKET_OPTIONS, ...plan.tls });
    server.on('secureConnection', (socket) => {
      // tls-auth-clients optional: no certificate is fine, one that does not verify is not.
      if (plan.tlsOptionalClientCert && !socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0) {
        this.onError(new Error(`client certificate refused: ${String(socket.authorizationError)}`), 'a TLS handshake');
        socket.destroy();
        return;
      }
      this.onSocket(socket, true);
    });
    server.on('tlsClientError', (err) => {
      this.onError(err, 'a TLS handshake');
    });
    return server;
  }
}
