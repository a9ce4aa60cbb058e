import { Counter, Gauge, type Registry } from 'prom-client';
import type { CommandCounters } from '../command-stats.js';
import type { ServerContext } from '../context.js';

/**
 * Metrics read from the server and the engine when scraped: connected clients, commands
 * processed and per-command counters (as INFO stats and commandstats have them, so CONFIG
 * RESETSTAT resets them too), run queue occupancy and tensor memory.
 */
export function registerServerMetrics(registry: Registry, server: ServerContext): void {
  const registers = [registry];
  new Gauge({
    name: 'modelkv_connected_clients',
    help: 'Clients connected.',
    registers,
    collect() {
      let n = 0;
      for (const _ of server.clients()) n++;
      this.set(n);
    },
  });
  new Counter({
    name: 'modelkv_commands_processed_total',
    help: 'Commands run (INFO total_commands_processed).',
    registers,
    collect() {
      setCounter(this, server.stats.commandsProcessed);
    },
  });
  perCommand(registry, server);
  new Gauge({
    name: 'modelkv_queue_depth',
    help: 'Runs waiting in each run queue.',
    labelNames: ['queue'],
    registers,
    collect() {
      this.reset();
      for (const q of server.engine.queueStats()) this.set({ queue: q.name }, q.waiting);
    },
  });
  new Gauge({
    name: 'modelkv_queue_running',
    help: 'Runs executing on each run queue.',
    labelNames: ['queue'],
    registers,
    collect() {
      this.reset();
      for (const q of server.engine.queueStats()) this.set({ queue: q.name }, q.running);
    },
  });
  new Gauge({
    name: 'modelkv_tensors',
    help: 'Tensors in the keyspace.',
    registers,
    collect() {
      this.set(server.engine.tensorMemory().count);
    },
  });
  new Gauge({
    name: 'modelkv_tensor_memory_bytes',
    help: 'Bytes of tensor data in the keyspace.',
    registers,
    collect() {
      this.set(server.engine.tensorMemory().bytes);
    },
  });
}

/** INFO commandstats as counters by command (`cmd="config|get"`), named as redis_exporter names them. */
function perCommand(registry: Registry, server: ServerContext): void {
  const counter = (name: string, help: string, read: (c: CommandCounters) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['cmd'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of server.commandStats.all()) {
          if (c.calls > 0 || c.failedCalls > 0 || c.rejectedCalls > 0) this.inc({ cmd: c.name }, read(c));
        }
      },
    });
  };
  counter('modelkv_commands_total', 'Calls of each command that ran.', (c) => c.calls);
  counter(
    'modelkv_commands_duration_seconds_total',
    'Time spent in each command, waits on model and script runs included.',
    (c) => c.microseconds / 1e6,
  );
  counter('modelkv_commands_failed_calls_total', 'Calls of each command answered with an error.', (c) => c.failedCalls);
  counter('modelkv_commands_rejected_calls_total', 'Calls of each command refused before running (wrong arity).', (c) => c.rejectedCalls);
}

/** A counter that mirrors a tally kept elsewhere. */
function setCounter(counter: Counter, value: number): void {
  counter.reset();
  counter.inc(value);
}
