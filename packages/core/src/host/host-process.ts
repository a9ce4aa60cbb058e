import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { adoptSocket } from './channel.js';
import { type Frame, type FrameLimits, FrameReader, FrameWriter } from './frames.js';
import { ProtocolError } from './head.js';
import { CHANNEL_FD, Msg } from './protocol.js';

const HOST_MAIN = fileURLToPath(new URL('./host-main.js', import.meta.url));
/** How long after the process has exited its channel may stay open (a grandchild holding it). */
const CLOSE_AFTER_EXIT_MS = 1000;

/** How a backend process ended. */
export interface HostExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started or its channel broke. */
  readonly error?: string;
}

/** What a request was doing, for the message its client gets if the process dies meanwhile. */
export type RequestKind = 'hello' | 'load-model' | 'compile-script' | 'run-model' | 'run-script';

export interface PendingRequest {
  readonly id: number;
  readonly kind: RequestKind;
  resolve(frame: Frame): void;
  reject(err: Error): void;
}

export interface HostProcessEvents {
  /** A Log frame's head (see protocol.ts). */
  log(head: Buffer): void;
  /** The process is gone; `pending` are the requests it never answered. */
  death(exit: HostExit, pending: PendingRequest[]): void;
}

/** Every backend process alive, killed if the server exits without closing them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * One backend process: spawned with a socketpair on descriptor 3, requests numbered and matched
 * with their replies. It is dead once it has exited and its channel has closed (so that replies
 * it wrote before dying are still read); then `death` receives the requests left unanswered.
 */
export class HostProcess {
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private readonly socket: Socket;
  private readonly writer: FrameWriter;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private exit: HostExit | undefined;
  private channelClosed = false;
  private dead = false;
  private referenced = true;
  private brokenChannel: string | undefined;

  constructor(
    cwd: string | undefined,
    limits: FrameLimits,
    private readonly events: HostProcessEvents,
  ) {
    installExitHook();
    this.child = spawn(process.execPath, [HOST_MAIN], {
      cwd,
      // The process's own output goes to the server's stderr; descriptor 3 carries frames.
      stdio: ['ignore', 2, 2, 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches the server, which then closes it.
      detached: true,
    });
    this.pid = this.child.pid;
    live.add(this.child);
    const reader = new FrameReader(limits, (f) => {
      this.onFrame(f);
    });
    const made = this.child.stdio[CHANNEL_FD] as Socket | null;
    if (!made) throw new Error('the backend process has no channel');
    this.socket = adoptSocket(made, reader, (err) => {
      this.breakChannel(`sent a malformed message (${err instanceof Error ? err.message : String(err)})`);
    });
    this.writer = new FrameWriter(this.socket);
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.channelClosed = true;
      if (this.exit) this.die();
      else this.child.kill('SIGKILL');
    });
    this.child.on('error', (err) => {
      this.exit ??= { code: null, signal: null, error: err.message };
      this.socket.destroy();
    });
    this.child.on('exit', (code, signal) => {
      live.delete(this.child);
      this.exit ??= { code, signal, ...(this.brokenChannel ? { error: this.brokenChannel } : {}) };
      if (this.channelClosed) this.die();
      else setTimeout(() => this.socket.destroy(), CLOSE_AFTER_EXIT_MS).unref();
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  get inFlight(): readonly PendingRequest[] {
    return [...this.pending.values()];
  }

  /** Sends a request; its reply frame (or the process's death) settles it. */
  request(type: number, kind: RequestKind, head: Uint8Array, sections: readonly Uint8Array[] = []): { id: number; reply: Promise<Frame> } {
    const id = this.nextId++;
    if (this.nextId > 0xffffffff) this.nextId = 1;
    const reply = new Promise<Frame>((resolve, reject) => {
      this.pending.set(id, { id, kind, resolve, reject });
    });
    this.updateRef();
    if (!this.dead) this.writer.send(type, id, head, sections);
    return { id, reply };
  }

  /** A message that has no reply (Cancel, Release). */
  post(type: number, id: number, head: Uint8Array): void {
    if (!this.dead) this.writer.send(type, id, head);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Asks the process to end (it exits when its channel closes), killing it if it lingers. */
  async close(graceMs: number): Promise<void> {
    if (this.dead) return;
    const gone = new Promise<void>((resolve) => {
      this.child.once('exit', () => {
        resolve();
      });
    });
    this.socket.end();
    const timer = setTimeout(() => {
      this.kill('SIGKILL');
    }, graceMs);
    if (this.child.exitCode === null && this.child.signalCode === null) await gone;
    clearTimeout(timer);
  }

  private onFrame(f: Frame): void {
    if (f.type === Msg.Log) {
      this.events.log(f.head);
      return;
    }
    const p = this.pending.get(f.id);
    if (!p) throw new ProtocolError(`reply to unknown request ${f.id}`);
    this.pending.delete(f.id);
    this.updateRef();
    p.resolve(f);
  }

  private breakChannel(why: string): void {
    this.brokenChannel = why;
    this.kill('SIGKILL');
    this.socket.destroy();
  }

  /** An idle process must not keep the server's event loop alive (in-process use, tests). */
  private updateRef(): void {
    const want = this.pending.size > 0;
    if (want === this.referenced) return;
    this.referenced = want;
    if (want) {
      this.child.ref();
      this.socket.ref();
    } else {
      this.child.unref();
      this.socket.unref();
    }
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.events.death(this.exit ?? { code: null, signal: null }, pending);
  }
}
