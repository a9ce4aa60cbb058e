import type { Logger } from '@modelkv/core';
import type { ServerSettings } from './config.js';

/** What the sweep needs of a connection. */
export interface SweptClient {
  readonly id: number;
  readonly remoteAddress: string;
  readonly lastInteraction: number;
  readonly blocked: boolean;
  readonly queryBufferBytes: number;
  readonly outputBufferBytes: number;
  destroy(): void;
}

/** Seconds of samples behind client_recent_max_input_buffer / _output_buffer (Redis keeps 8). */
const PEAK_SLOTS = 8;
const SWEEP_MS = 1000;

/**
 * Once a second: closes clients idle longer than `timeout` (not those waiting on a run, as Redis
 * spares blocked clients), and samples the largest query and output buffers for INFO.
 */
export class ClientSweep {
  private readonly inputPeaks = new Array<number>(PEAK_SLOTS).fill(0);
  private readonly outputPeaks = new Array<number>(PEAK_SLOTS).fill(0);
  private slot = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clients: () => Iterable<SweptClient>,
    private readonly settings: ServerSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.sweep(Date.now());
    }, SWEEP_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sweep(now: number): void {
    const idleMs = this.settings.timeout * 1000;
    let input = 0;
    let output = 0;
    for (const c of this.clients()) {
      input = Math.max(input, c.queryBufferBytes);
      output = Math.max(output, c.outputBufferBytes);
      if (idleMs > 0 && !c.blocked && now - c.lastInteraction > idleMs) {
        this.logger.verbose('closing idle client', { client: c.id, addr: c.remoteAddress });
        c.destroy();
      }
    }
    this.slot = (this.slot + 1) % PEAK_SLOTS;
    this.inputPeaks[this.slot] = input;
    this.outputPeaks[this.slot] = output;
  }

  /** The largest query buffer of a client in the last few seconds, or now. */
  recentMaxInput(now: Iterable<SweptClient> = this.clients()): number {
    let max = Math.max(...this.inputPeaks);
    for (const c of now) max = Math.max(max, c.queryBufferBytes);
    return max;
  }

  recentMaxOutput(now: Iterable<SweptClient> = this.clients()): number {
    let max = Math.max(...this.outputPeaks);
    for (const c of now) max = Math.max(max, c.outputBufferBytes);
    return max;
  }
}
