// Runs the arithmetic off the server's event loop.
import { parentPort } from 'node:worker_threads';

const KERNELS = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  max: (x, y) => Math.max(x, y),
};

parentPort.on('message', ({ id, op, a, b }) => {
  try {
    const x = new Float32Array(a);
    const y = new Float32Array(b);
    const out = new Float32Array(x.length);
    const kernel = KERNELS[op];
    for (let i = 0; i < x.length; i++) out[i] = kernel(x[i], y[i]);
    parentPort.postMessage({ id, result: out.buffer }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
});
