import { Registry, collectDefaultMetrics } from 'prom-client';
import type { ServerContext } from '../context.js';
import { type HttpEndpoint, serveMetrics } from './metrics-http.js';
import { RunMetrics } from './run-metrics.js';
import { registerServerMetrics } from './server-metrics.js';

export interface MetricsOptions {
  readonly port: number;
  readonly bind: string;
  /** Models and scripts labelled by key; runs of others count under `key="__other__"`. */
  readonly maxKeys: number;
}

/**
 * The Prometheus endpoint of one server: its own registry (so several servers can share a
 * process) with prom-client's process metrics, the server's and the engine's, served over HTTP.
 */
export class MetricsExporter {
  private constructor(
    private readonly http: HttpEndpoint,
    private readonly unobserve: () => void,
  ) {}

  static async start(server: ServerContext, options: MetricsOptions): Promise<MetricsExporter> {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    registerServerMetrics(registry, server);
    const runs = new RunMetrics(registry, options.maxKeys);
    const http = await serveMetrics(registry, options.bind, options.port, (err) => {
      server.reportInternalError(err, 'serving metrics');
    });
    return new MetricsExporter(http, server.engine.observe(runs));
  }

  get host(): string {
    return this.http.host;
  }

  get port(): number {
    return this.http.port;
  }

  close(): Promise<void> {
    this.unobserve();
    return this.http.close();
  }
}
