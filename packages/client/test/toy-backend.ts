import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** modelkv's core, as the server loads it (this file runs from dist/test/). */
const CORE = pathToFileURL(fileURLToPath(new URL('../../../core/dist/src/index.js', import.meta.url))).href;

/**
 * Writes a TORCH backend for the server to load, with no library behind it: a model blob
 * `identity` returns its inputs, `sleep <ms>` does so after a wait (to hold a queue), `fail`
 * fails every run, and every
 * script function returns its inputs; an entry point returns its tensors and then one STRING
 * tensor of the key names and arguments it was given. Returns the file's path.
 */
export function writeToyBackend(dir: string): string {
  const path = join(dir, 'toy-torch-backend.mjs');
  writeFileSync(
    path,
    `import { Tensor } from ${JSON.stringify(CORE)};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export default {
  name: 'TORCH',
  interfaceVersion: 1,
  version: 'toy',
  devices: () => ['CPU'],
  async loadModel(blob) {
    const m = /^(identity|fail|sleep (\\d+))$/.exec(blob.toString());
    if (!m) throw new Error('not a toy model');
    const ms = Number(m[2] ?? 0);
    return {
      async run(inputs, n) {
        if (m[1] === 'fail') throw new Error('toy failure');
        if (ms) await sleep(ms);
        return inputs.slice(0, n);
      },
      release() {},
    };
  },
  async compileScript(source, options) {
    const functionNames = [...source.matchAll(/def (\\w+)/g)].map((m) => m[1]);
    return {
      functionNames,
      async run(fn, inputs, n) {
        return inputs.slice(0, n);
      },
      async runEntryPoint(fn, call, n) {
        const words = [...call.keys, ...call.args];
        const out = [...call.tensors, Tensor.fromValues('STRING', [words.length], words)];
        return out.slice(0, n);
      },
      release() {},
    };
  },
};
`,
  );
  return path;
}
