import { after, before } from 'node:test';
import { type ServerHandle, type StartOptions, startServer } from './harness.js';

/**
 * The server of one test file: a `before` hook starts it with `options`, an `after` hook stops
 * it (failing unless it exits with code 0). The handle reads the running server, so its fields
 * are for tests and later hooks.
 */
export function useServer(options: StartOptions = {}): ServerHandle {
  let handle: ServerHandle | undefined;
  before(async () => {
    handle = await startServer(options);
  });
  after(async () => {
    await handle?.stop();
  });
  const current = (): ServerHandle => {
    if (!handle) throw new Error('the server starts in a before hook: use it inside tests and hooks');
    return handle;
  };
  return {
    get port() {
      return current().port;
    },
    get host() {
      return current().host;
    },
    get pid() {
      return current().pid;
    },
    get exited() {
      return current().exited;
    },
    output: () => current().output(),
    stop: () => current().stop(),
  };
}
