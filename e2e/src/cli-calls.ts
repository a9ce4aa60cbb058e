// Commands sent through Debian's redis-cli (`--no-raw`), their replies parsed back.
import assert from 'node:assert/strict';
import { type CliValue, asArray, asBuffer, asInteger, describe as show, parseCli, word } from './cli-format.js';
import type { FixtureTensor } from './fixtures.js';
import { redisCli } from './harness.js';

export type Cli = (args: string[], stdin?: Buffer) => Promise<CliValue>;

/**
 * redis-cli bound to one server: the reply parsed from its output; stdin goes as the last
 * argument (-x). The server's port is read at each call, so a `useServer` handle can be bound
 * before its server starts. `options` go before the command (`--user u --pass p`, `--tls ...`).
 */
export function cliFor(server: number | { readonly port: number }, options: readonly string[] = [], host?: string): Cli {
  return async (args, stdin) => {
    const port = typeof server === 'number' ? server : server.port;
    const r = await redisCli(port, [...options, ...(stdin ? ['-x', ...args] : args)], stdin, host);
    assert.equal(r.code, 0, `redis-cli ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return parseCli(r.stdout);
  };
}

export function errorOf(v: CliValue): string | undefined {
  return !Buffer.isBuffer(v) && !Array.isArray(v) && 'error' in v ? v.error : undefined;
}

/** The tensor at `key` as AI.TENSORGET BLOB returns it through redis-cli. */
export async function cliTensor(cli: Cli, key: string): Promise<{ dtype: string; shape: number[]; blob: Buffer }> {
  const reply = asArray(await cli(['AI.TENSORGET', key, 'BLOB']));
  assert.equal(reply.length, 3, `AI.TENSORGET ${key} BLOB: ${show(reply)}`);
  return { dtype: word(reply[0]), shape: asArray(reply[1]).map((d) => Number(asInteger(d))), blob: asBuffer(reply[2]) };
}

/** Stores tensors under `<prefix>:in<i>` (AI.TENSORSET ... BLOB) and returns the keys. */
export async function storeTensors(cli: Cli, prefix: string, tensors: readonly FixtureTensor[]): Promise<string[]> {
  const keys: string[] = [];
  for (const [i, t] of tensors.entries()) {
    const key = `${prefix}:in${i}`;
    assert.deepEqual(await cli(['AI.TENSORSET', key, t.dtype, ...t.shape.map(String), 'BLOB'], t.bytes), { status: 'OK' });
    keys.push(key);
  }
  return keys;
}
