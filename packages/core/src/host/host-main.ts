/**
 * Entry of a backend process. The server starts it as `node host-main.js` with a socketpair on
 * descriptor 3, sends it the backend to import, then loads and runs models through it, so that a
 * model or script that crashes native code takes down this process, never the server.
 */
import { HostService } from './host-service.js';
import { CHANNEL_FD } from './protocol.js';

const service = new HostService(CHANNEL_FD);

// A backend's stray asynchronous failure is reported and the process goes on serving, as the
// server itself would have done with the backend in its own process.
process.on('unhandledRejection', (reason) => {
  service.log('warning', `unhandled rejection in the backend process: ${reason instanceof Error ? reason.message : String(reason)}`);
});
process.on('uncaughtException', (err) => {
  service.log('warning', `uncaught exception in the backend process: ${err.message}`);
});
