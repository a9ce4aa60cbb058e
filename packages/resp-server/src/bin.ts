#!/usr/bin/env node
import { USAGE, UsageError, parseCliArgs } from './cli-args.js';
import { ModelkvServer } from './server.js';
import { stderrLogger } from './stderr-logger.js';
import { packageVersion } from './version.js';

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
  const server = new ModelkvServer({ ...request.options, logger: stderrLogger() });
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    process.stderr.write(`modelkv-server: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await server.close();
    process.exit(1);
  }
  // A backend's stray asynchronous failure must not take every client down with it.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `modelkv-server: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
    );
  });
  process.on('uncaughtException', (err) => {
    process.stderr.write(`modelkv-server: uncaught exception: ${err.stack ?? err.message}\n`);
  });
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  server.on('shutdown', () => process.exit(0));
  if (address.metrics) process.stdout.write(`Metrics served at http://${hostPort(address.metrics.host, address.metrics.port)}/metrics\n`);
  process.stdout.write(`Ready to accept connections tcp ${address.host}:${address.port}\n`);
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

void main();
