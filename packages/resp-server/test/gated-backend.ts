import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_INTERFACE_VERSION, type Backend, Tensor } from '@modelkv/core';
import { type ModelkvServer, type ServerOptions, createServer } from '../src/server.js';
import { RespClient } from './resp-client.js';

/** A model that doubles its input; a `gated` one finishes its runs only when the test opens the gate. */
export function gatedBackend(): { backend: Backend; open: () => void } {
  let opened: () => void = () => undefined;
  let gate = new Promise<void>((r) => (opened = r));
  const backend: Backend = {
    name: 'ONNX',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'gated-1',
    devices: () => ['CPU'],
    loadModel(blob) {
      const gatedRuns = blob.toString() === 'gated';
      return Promise.resolve({
        async run(inputs) {
          if (gatedRuns) await gate;
          const x = inputs[0]!;
          return [
            Tensor.fromArray(
              'FLOAT',
              x.shape,
              (x.values() as number[]).map((v) => v * 2),
            ),
          ];
        },
        release: () => undefined,
      });
    },
  };
  return {
    backend,
    open: () => {
      opened();
      gate = new Promise<void>((r) => (opened = r));
    },
  };
}

/** A listening server with the gated backend and a data directory of its own. */
export interface GatedServer {
  readonly server: ModelkvServer;
  readonly port: number;
  readonly dir: string;
  readonly gated: ReturnType<typeof gatedBackend>;
  /** A client, closed by `close()`. */
  connect(): Promise<RespClient>;
  /** Closes the clients and the server, and removes the directory. */
  close(): Promise<void>;
}

/** Starts a server made with `options(dir)`, `dir` a new directory named from `prefix`. */
export async function startGatedServer(prefix: string, options: (dir: string) => ServerOptions): Promise<GatedServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = createServer(options(dir));
  const gated = gatedBackend();
  await server.engine.registerBackend(gated.backend);
  const { port } = await server.listen();
  const clients: RespClient[] = [];
  return {
    server,
    port,
    dir,
    gated,
    async connect() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
