#!/usr/bin/env node
import { USAGE, UsageError, parseCliArgs } from './cli-args.js';
import { type ServerLogger, createLogger } from './logger.js';
import { type ListenResult, ModelkvServer, type ServerOptions } from './server.js';
import { packageVersion } from './version.js';

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** What the start-up line says about the options that decide who may do what. */
function startFields(o: ServerOptions): Record<string, string | number> {
  return {
    version: packageVersion(),
    port: o.port ?? 6380,
    tls_port: o.tlsPort ?? 0,
    bind: o.bind ?? '127.0.0.1',
    protected_mode: o.protectedMode === false ? 'no' : 'yes',
    requirepass: o.requirepass ? 'set' : 'none',
    aclfile: o.aclFile ?? '',
    maxmemory: o.maxmemory ?? 0,
    enable_loadbackend_command: o.enableLoadbackendCommand ?? 'local',
    backends_path: o.backendsPath ?? '',
    loadbackend_allow_files: o.loadbackendAllowFiles ? 'yes' : 'no',
    loglevel: o.logLevel ?? 'notice',
  };
}

/** After an uncaught exception the server is in an unknown state: it logs it and exits. */
function exitOnUncaught(logger: ServerLogger): void {
  const die = (what: string) => (err: unknown) => {
    logger.warning(`${what}: exiting`, { error: describeError(err) });
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The lines scripts wait for on stdout: the metrics endpoint, then the first TCP and TLS listeners. */
function printReady(address: ListenResult): void {
  const lines = [
    ...(address.metrics ? [`Metrics served at http://${hostPort(address.metrics.host, address.metrics.port)}/metrics\n`] : []),
    ...address.tcp.slice(0, 1).map((a) => `Ready to accept connections tcp ${a.host}:${a.port}\n`),
    ...address.tls.slice(0, 1).map((a) => `Ready to accept connections tls ${a.host}:${a.port}\n`),
  ];
  process.stdout.write(lines.join(''));
}

async function main(): Promise<void> {
  let request;
  try {
    request = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`modelkv-server: ${err.message}\n`);
    process.exit(2);
  }
  if (request.action === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (request.action === 'version') {
    process.stdout.write(`modelkv-server ${packageVersion()}\n`);
    return;
  }
  const options = request.options;
  let logger: ServerLogger;
  try {
    logger = createLogger({ level: options.logLevel, file: options.logFile });
  } catch (err) {
    process.stderr.write(`modelkv-server: cannot open --logfile '${options.logFile ?? ''}': ${(err as Error).message}\n`);
    process.exit(1);
  }
  exitOnUncaught(logger);
  logger.notice('modelkv-server starting', startFields(options));
  const server = new ModelkvServer({ ...options, logger });
  let address: ListenResult;
  try {
    address = await server.listen();
  } catch (err) {
    logger.warning(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.stderr.write(`modelkv-server: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await server.close();
    process.exit(1);
  }
  // As SHUTDOWN: the append-only file written out, a snapshot when save points are set.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.notice(`Received ${signal} scheduling shutdown...`);
    server.shutdownGracefully().then(
      () => {
        logger.notice('modelkv-server is now ready to exit, bye bye...');
        process.exit(0);
      },
      (err: unknown) => {
        stopping = false;
        logger.warning(
          `${signal} received but errors trying to shut down the server, check the logs for more information: ${err instanceof Error ? err.message : String(err)}`,
        );
      },
    );
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGHUP', () => {
    logger.notice('Received SIGHUP: reopening the log file');
    logger.reopen();
  });
  server.on('shutdown', () => {
    logger.notice('modelkv-server is now ready to exit, bye bye...');
    process.exit(0);
  });
  printReady(address);
  logger.notice('Ready to accept connections');
}

void main();
