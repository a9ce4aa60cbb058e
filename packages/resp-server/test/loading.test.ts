import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BACKEND_INTERFACE_VERSION, type Backend, Engine } from '@modelkv/core';
import { createServer } from '../src/server.js';
import { ErrorReply, RespClient, Status, text } from './resp-client.js';

/** A backend whose model loads wait for the test to let them go. */
function slowBackend(): { backend: Backend; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  return {
    backend: {
      name: 'ONNX',
      interfaceVersion: BACKEND_INTERFACE_VERSION,
      version: 'slow-1',
      devices: () => ['CPU'],
      async loadModel() {
        await gate;
        return { run: () => Promise.resolve([]), release: () => undefined };
      },
    },
    release: () => {
      release();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'modelkv-loading-test-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('starting with data to load', () => {
  it('answers LOADING until the data is in, then serves it', async () => {
    const config: [string, string][] = [
      ['dir', dir],
      ['appendonly', 'yes'],
    ];
    const first = createServer({ port: 0, config });
    const open = slowBackend();
    open.release();
    await first.engine.registerBackend(open.backend);
    const { port } = await first.listen();
    const c = await RespClient.connect(port);
    assert.deepEqual(await c.call('AI.MODELSET', 'm', 'ONNX', 'CPU', 'BLOB', 'model'), new Status('OK'));
    assert.deepEqual(await c.call('AI.TENSORSET', 't', 'INT8', '1'), new Status('OK'));
    c.close();
    await first.close();

    const slow = slowBackend();
    const engine = new Engine();
    await engine.registerBackend(slow.backend);
    const second = createServer({ port: 0, config, engine });
    const listening = second.listen();
    let port2 = 0;
    while (port2 === 0) {
      await new Promise((r) => setTimeout(r, 10));
      port2 = second.port;
    }
    const d = await RespClient.connect(port2);
    const ping = await d.call('PING');
    assert.ok(ping instanceof ErrorReply && ping.message.startsWith('LOADING '), `PING while loading: ${JSON.stringify(ping)}`);
    assert.match(text(await d.call('INFO', 'persistence')), /loading:1\r\n/);
    slow.release();
    await listening;
    assert.deepEqual(await d.call('PING'), new Status('PONG'));
    assert.deepEqual(await d.call('TYPE', 'm'), new Status('AI__MODEL'));
    assert.match(text(await d.call('INFO', 'persistence')), /loading:0\r\n/);
    d.close();
    await second.close();
  });
});
