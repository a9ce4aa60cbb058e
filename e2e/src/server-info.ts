// Fields of INFO as a server reports them, for tests that watch its backend processes and queues.
import { type RespSocket, text } from './resp-socket.js';

/** INFO's `name:value` lines as a map. */
export async function infoFields(socket: RespSocket, section = 'everything'): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const line of text(await socket.call('INFO', section)).split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** The `key=value` parts of a backend's INFO line (version, path, devices, process, pid, restarts). */
export async function backendInfo(socket: RespSocket, backend: string): Promise<Map<string, string>> {
  const line = (await infoFields(socket, 'backends')).get(`backend_${backend.toLowerCase()}`);
  if (line === undefined) throw new Error(`INFO lists no backend ${backend}`);
  return new Map(line.split(',').map((kv) => kv.split('=') as [string, string]));
}

/** Waits until `check` holds, polling; fails after `limitMs` (a bound against hanging, not a measurement). */
export async function waitUntil(what: string, check: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
