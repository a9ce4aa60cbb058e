// A modelkv backend over a worker thread that does element-wise arithmetic on FLOAT tensors.
import { Worker } from 'node:worker_threads';
import { Tensor } from '@modelkv/core';

const OPS = ['add', 'sub', 'mul', 'div', 'max'];

let worker;
let nextId = 0;
const pending = new Map();

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./worker.js', import.meta.url));
  worker.on('message', ({ id, result, error }) => {
    const job = pending.get(id);
    if (!job) return;
    pending.delete(id);
    // An idle worker must not keep the server's process alive.
    if (pending.size === 0) worker?.unref();
    if (error) job.reject(new Error(error));
    else job.resolve(result);
  });
  const started = worker;
  const fail = (err) => {
    if (worker !== started) return;
    for (const job of pending.values()) job.reject(err);
    pending.clear();
    worker = undefined;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`arithmetic worker exited with code ${code}`)));
  return worker;
}

function compute(op, a, b) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    // Fresh, aligned copies of the inputs go to the worker; the result's buffer comes back
    // transferred, without a copy.
    const x = new Uint8Array(a).buffer;
    const y = new Uint8Array(b).buffer;
    const w = getWorker();
    w.ref();
    w.postMessage({ id, op, a: x, b: y }, [x, y]);
  });
}

function parseSpec(blob) {
  let spec;
  try {
    spec = JSON.parse(blob.toString('utf8'));
  } catch (err) {
    throw new Error(`model is not valid JSON: ${err.message}`);
  }
  if (typeof spec !== 'object' || spec === null || !OPS.includes(spec.op)) {
    throw new Error(`model must be an object with "op" one of ${OPS.join(', ')}`);
  }
  const inputs = spec.inputs ?? ['a', 'b'];
  const outputs = spec.outputs ?? ['c'];
  if (!Array.isArray(inputs) || inputs.length !== 2 || !Array.isArray(outputs) || outputs.length !== 1) {
    throw new Error('model must name two inputs and one output');
  }
  return { op: spec.op, inputs: inputs.map(String), outputs: outputs.map(String) };
}

const backend = {
  name: 'ONNX',
  interfaceVersion: 1,
  version: 'arith-1.0.0',
  unavailableReason: 'this backend computes on the CPU only',
  init() {},
  devices() {
    return ['CPU'];
  },
  async loadModel(blob, options) {
    if (options.device.kind !== 'CPU') throw new Error('only CPU is supported');
    const spec = parseSpec(blob);
    return {
      inputNames: spec.inputs,
      outputNames: spec.outputs,
      async run(inputs, outputCount) {
        if (outputCount !== 1) throw new Error(`model has 1 output, ${outputCount} requested`);
        const [a, b] = inputs;
        for (const t of [a, b]) {
          if (t.dtype !== 'FLOAT') throw new Error(`inputs must be FLOAT tensors, got ${t.dtype}`);
        }
        if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
          throw new Error(`input shapes differ: [${a.shape}] and [${b.shape}]`);
        }
        const result = await compute(spec.op, a.data, b.data);
        return [Tensor.fromBlob('FLOAT', a.shape, Buffer.from(result))];
      },
      release() {},
    };
  },
};

export default backend;
