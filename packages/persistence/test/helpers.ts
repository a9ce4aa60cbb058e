import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_INTERFACE_VERSION, type Backend, DTYPES, Engine, Tensor, type Logger } from '@modelkv/core';
import { Persistence } from '../src/persistence.js';
import { type PersistenceSettings, defaultPersistenceSettings } from '../src/settings.js';

/**
 * A backend whose models add the number their blob spells to every element; scripts have the
 * functions their source defines (`def name(`), and return nothing.
 */
export function adderBackend(): Backend {
  return {
    name: 'TORCH',
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    version: 'adder-1',
    devices: () => ['CPU'],
    loadModel(blob) {
      const k = Number(blob.toString());
      if (!Number.isFinite(k)) return Promise.reject(new Error('not a number'));
      return Promise.resolve({
        run: (inputs) =>
          Promise.resolve([
            Tensor.fromArray(
              'FLOAT',
              inputs[0]!.shape,
              (inputs[0]!.values() as number[]).map((x) => x + k),
            ),
          ]),
        release: () => undefined,
      });
    },
    compileScript(source) {
      const functionNames = [...source.matchAll(/def (\w+)\(/g)].map((m) => m[1]!);
      return Promise.resolve({ functionNames, run: () => Promise.resolve([]), release: () => undefined });
    },
  };
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-persist-test-'));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function engineWithBackend(): Promise<Engine> {
  const engine = new Engine();
  await engine.registerBackend(adderBackend());
  return engine;
}

export function settings(dir: string, more: Partial<PersistenceSettings> = {}): PersistenceSettings {
  return { ...defaultPersistenceSettings(), dir, ...more };
}

/** A logger that keeps its lines. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (m: string): void => {
    lines.push(m);
  };
  return { lines, debug: log, verbose: log, notice: log, warning: log };
}

/** Starts persistence on a new engine over `dir` (loading what is there). */
export async function open(
  dir: string,
  more: Partial<PersistenceSettings> = {},
  logger?: Logger,
): Promise<{ engine: Engine; p: Persistence }> {
  const engine = await engineWithBackend();
  const p = new Persistence(engine, settings(dir, more), logger);
  await p.start();
  return { engine, p };
}

/** One tensor of every dtype, with shapes including a scalar and an empty tensor. */
export function everyDtype(): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const dtype of DTYPES) {
    if (dtype === 'STRING') {
      out.push([`t:${dtype}`, Tensor.fromValues(dtype, [3], ['a', '', 'ünï'])]);
      continue;
    }
    const words = dtype === 'BOOL' ? ['1', '0', '1', '1', '0', '0'] : ['1', '2', '3', '4', '5', '6'];
    out.push([`t:${dtype}`, Tensor.fromValues(dtype, [2, 3], words)]);
  }
  out.push(['t:scalar', Tensor.fromValues('DOUBLE', [], ['3.25'])]);
  out.push(['t:empty', Tensor.zeros('FLOAT', [0, 4])]);
  out.push(['t:big', Tensor.fromBlob('UINT8', [300_000], Buffer.alloc(300_000, 7))]);
  out.push(['bin\x00\xffkey', Tensor.fromValues('INT8', [1], ['-5'])]);
  return out;
}

/** Asserts two engines hold the same keys with the same values (tensors byte for byte). */
export function assertSameData(got: Engine, want: Engine): void {
  assert.deepEqual(got.keys().sort(), want.keys().sort());
  for (const k of want.keys()) {
    const a = got.keyspace.get(k)!;
    const b = want.keyspace.get(k)!;
    assert.equal(a.kind, b.kind, k);
    if (a.kind === 'tensor' && b.kind === 'tensor') {
      assert.equal(a.tensor.dtype, b.tensor.dtype, k);
      assert.deepEqual(a.tensor.shape, b.tensor.shape, k);
      assert.ok(a.tensor.data.equals(b.tensor.data), `${k}: data differs`);
    } else if (a.kind === 'model' && b.kind === 'model') {
      assert.deepEqual(
        [a.backend, a.device, a.tag, a.batching, a.inputs, a.outputs],
        [b.backend, b.device, b.tag, b.batching, b.inputs, b.outputs],
        k,
      );
      assert.ok(a.blob.equals(b.blob), `${k}: blob differs`);
    } else if (a.kind === 'script' && b.kind === 'script') {
      assert.deepEqual([a.device, a.tag, a.entryPoints, a.source], [b.device, b.tag, b.entryPoints, b.source], k);
    }
  }
}
