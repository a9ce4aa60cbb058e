import { arch, platform, release, totalmem } from 'node:os';
import { HostedBackend } from '@modelkv/core';
import { command } from '../command-table.js';
import type { CommandContext } from '../context.js';
import { commandstatsLines, latencystatsLines } from './info-command-stats.js';

/** Protocol level this server emulates, for clients that read redis_version. */
const REDIS_COMPAT_VERSION = '7.0.0';

type Section = (ctx: CommandContext) => [string, string | number][];

const SECTIONS: Record<string, Section> = {
  server(ctx) {
    const uptime = Math.floor((Date.now() - ctx.server.startedAt) / 1000);
    return [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['modelkv_version', ctx.server.version],
      ['redis_mode', 'standalone'],
      ['os', `${platform()} ${release()} ${arch()}`],
      ['arch_bits', process.arch.includes('64') ? 64 : 32],
      ['node_version', process.versions.node],
      ['process_id', process.pid],
      ['run_id', ctx.server.runId],
      ['tcp_port', ctx.server.port],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['executable', process.argv[1] ?? ''],
      ['config_file', ''],
    ];
  },
  clients(ctx) {
    let connected = 0;
    let blocked = 0;
    for (const c of ctx.server.clients()) {
      connected++;
      if (c.blocked) blocked++;
    }
    const peaks = ctx.server.clientBufferPeaks();
    return [
      ['connected_clients', connected],
      ['maxclients', ctx.server.config.settings.maxClients],
      ['client_recent_max_input_buffer', peaks.input],
      ['client_recent_max_output_buffer', peaks.output],
      ['blocked_clients', blocked],
    ];
  },
  /**
   * used_memory is what maxmemory is compared with (see memory.ts): the data plus the estimate of
   * the models' memory in their backends. The process's own figures follow it.
   */
  memory(ctx) {
    const m = process.memoryUsage();
    const meter = ctx.server.memory;
    const used = meter.used;
    const max = ctx.server.config.settings.maxmemory;
    return [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', human(m.rss)],
      ['used_memory_peak', meter.peak],
      ['used_memory_peak_human', human(meter.peak)],
      ['used_memory_dataset', meter.dataset],
      ['used_memory_dataset_human', human(meter.dataset)],
      ['used_memory_models_estimate', meter.modelsEstimate],
      ['used_memory_models_estimate_human', human(meter.modelsEstimate)],
      ['used_memory_process', m.heapUsed + m.external],
      ['used_memory_process_human', human(m.heapUsed + m.external)],
      ['total_system_memory', totalmem()],
      ['total_system_memory_human', human(totalmem())],
      ['maxmemory', max],
      ['maxmemory_human', human(max)],
      ['maxmemory_policy', 'noeviction'],
    ];
  },
  persistence(ctx) {
    return ctx.server.persistence.info();
  },
  stats(ctx) {
    const s = ctx.server.stats;
    return [
      ['total_connections_received', s.connectionsReceived],
      ['total_commands_processed', s.commandsProcessed],
      ['total_net_input_bytes', s.netInputBytes],
      ['total_net_output_bytes', s.netOutputBytes],
      ['rejected_connections', s.rejectedConnections],
      ['evicted_keys', 0],
      ['total_error_replies', s.errorReplies],
      ['client_query_buffer_limit_disconnections', s.queryBufferLimitDisconnections],
      ['client_output_buffer_limit_disconnections', s.outputBufferLimitDisconnections],
      ['acl_access_denied_auth', s.aclDeniedAuth],
      ['acl_access_denied_cmd', s.aclDeniedCmd],
      ['acl_access_denied_key', s.aclDeniedKey],
      ['acl_access_denied_channel', 0],
    ];
  },
  replication() {
    return [
      ['role', 'master'],
      ['connected_slaves', 0],
    ];
  },
  cpu() {
    const u = process.cpuUsage();
    return [
      ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
      ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ];
  },
  backends(ctx) {
    const engine = ctx.engine;
    const loaded = engine.backends.list();
    const lines: [string, string | number][] = [
      ['backends_loaded', loaded.length],
      ['backend_isolation', engine.isolation],
      ['model_execution_timeout', engine.modelExecutionTimeoutMs],
      ['ai_runs_dropped', engine.runCounters.dropped],
      ['ai_runs_timed_out', engine.runCounters.timedOut],
    ];
    for (const b of loaded) {
      const host = b.backend instanceof HostedBackend ? b.backend : undefined;
      const where = host ? `,process=${host.status},pid=${host.pid ?? 0},restarts=${host.restarts}` : ',process=none';
      lines.push([
        `backend_${b.name.toLowerCase()}`,
        `version=${b.backend.version},path=${b.path},devices=${b.backend.devices().join('|')}${where}`,
      ]);
    }
    for (const q of engine.queues.list()) {
      lines.push([`queue_${q.name.toLowerCase().replace(/:/g, '_')}`, `running=${q.running},waiting=${q.depth}`]);
    }
    return lines;
  },
  commandstats(ctx) {
    return commandstatsLines(ctx.server.commandStats);
  },
  latencystats(ctx) {
    const s = ctx.server.config.settings;
    return latencystatsLines(ctx.server.commandStats, s.latencyTracking, s.latencyTrackingInfoPercentiles);
  },
  keyspace(ctx) {
    const n = ctx.engine.dbsize;
    // Redis lists only databases that hold keys.
    return n > 0 ? [['db0', `keys=${n},expires=0,avg_ttl=0`]] : [];
  },
};

const DEFAULT = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'backends', 'keyspace'];
/** `all` and `everything` add the sections Redis leaves out of the default ones. */
const ALL = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'backends',
  'commandstats',
  'latencystats',
  'keyspace',
];

function title(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v}B` : `${v.toFixed(2)}${units[i]}`;
}

/** INFO [section ...]: `all`, `default` and `everything` as in Redis; unknown sections are empty. */
export const info = command({
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  dangerous: true,
  group: 'server',
  summary: 'Returns information and statistics about the server, including the loaded backends.',
  handler(ctx, argv) {
    const wanted = new Set<string>();
    for (let i = 1; i < argv.length; i++) {
      const w = argv[i]!.toString().toLowerCase();
      if (w === 'all' || w === 'everything') for (const s of ALL) wanted.add(s);
      else if (w === 'default') for (const s of DEFAULT) wanted.add(s);
      else wanted.add(w);
    }
    if (argv.length === 1) for (const s of DEFAULT) wanted.add(s);
    const blocks: string[] = [];
    for (const name of ALL) {
      if (!wanted.has(name)) continue;
      const lines = SECTIONS[name]!(ctx).map(([k, v]) => `${k}:${v}\r\n`);
      blocks.push(`# ${title(name)}\r\n${lines.join('')}`);
    }
    ctx.reply.verbatim(blocks.join('\r\n'));
  },
});
