import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ProtoReader, Tensor, type BackendConfig, type ModelOptions } from '@modelkv/core';
import backend from '../src/index.js';
import { zipMapInputsAsOutputs } from '../src/zipmap-outputs.js';
import {
  argMax,
  classifier,
  floatTensorAnyShape,
  labelOut,
  model,
  node,
  probabilityMapsOut,
  sequenceOf,
  softmax,
  softmaxRows,
  tensorType,
  valueInfo,
  zipMap,
} from './zipmap-model.js';

const CONFIG: BackendConfig = { intraOpThreads: 1, interOpThreads: 1, allowUnsafeOps: false, threadsPerQueue: 1 };
const options = (nonTensorOutputs: 'skip' | 'tensor'): ModelOptions => ({
  device: { kind: 'CPU', index: 0 },
  inputs: [],
  outputs: [],
  nonTensorOutputs,
});

const X = Float32Array.from([1, 2, 3, -1, 0.5, 0, 4, 4, -2, 0, 0, 0]);
const input = (): Tensor => Tensor.fromBlob('FLOAT', [4, 3], Buffer.from(X.buffer, X.byteOffset, X.byteLength));
const LABELS = [2n, 1n, 0n, 0n]; // row-wise argmax (first of ties)

afterEach(() => {
  backend.init(CONFIG);
});

/** The graph outputs of a ModelProto: [name, TypeProto bytes as hex]. */
function graphOutputs(blob: Uint8Array): [string, string][] {
  const out: [string, string][] = [];
  const m = new ProtoReader(blob);
  while (m.next()) {
    if (m.field !== 7) {
      m.skip();
      continue;
    }
    const g = m.message();
    while (g.next()) {
      if (g.field !== 12) {
        g.skip();
        continue;
      }
      const v = g.message();
      let name = '';
      let type = '';
      while (v.next()) {
        if (v.field === 1) name = v.string();
        else if (v.field === 2) type = Buffer.from(v.bytes()).toString('hex');
        else v.skip();
      }
      out.push([name, type]);
    }
  }
  return out;
}

function bytesOf<T>(t: Tensor, View: new (buffer: ArrayBuffer) => T): T {
  return new View(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
}

function probabilities(t: Tensor | null | undefined): Float32Array {
  assert.ok(t);
  assert.equal(t.dtype, 'FLOAT');
  return bytesOf(t, Float32Array);
}

function assertClose(actual: Float32Array, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]!) <= 1e-6, `element ${i}: ${v} vs ${expected[i]}`);
  });
}

describe('zipMapInputsAsOutputs: the rewrite of the ModelProto', () => {
  it('replaces the ZipMap output by its input, a float tensor, in the same position; every other byte is kept', () => {
    const original = classifier();
    const rewritten = zipMapInputsAsOutputs(original);
    assert.deepEqual(graphOutputs(rewritten), [graphOutputs(original)[0], ['probabilities', '0a020801']]);
    // The same model built with that output declared: byte for byte what the rewrite made.
    const expected = model({ nodes: [softmax, argMax, zipMap()], outputs: [labelOut, valueInfo('probabilities', floatTensorAnyShape())] });
    assert.equal(Buffer.from(rewritten).toString('hex'), expected.toString('hex'));
  });

  it('leaves a model as it is (the same bytes) when no graph output comes from an ai.onnx.ml ZipMap', () => {
    const noZipMap = model({ nodes: [softmax, argMax], outputs: [labelOut] });
    const unusedZipMap = model({ nodes: [softmax, argMax, zipMap()], outputs: [labelOut] });
    const otherDomain = model({
      nodes: [softmax, argMax, zipMap('output_probability', 'com.example')],
      outputs: [labelOut, probabilityMapsOut()],
    });
    for (const blob of [noZipMap, unusedZipMap, otherDomain]) assert.equal(zipMapInputsAsOutputs(blob), blob);
  });

  it('never reads past the bytes it is given: every truncation and byte flip answers, or fails with a clear message', () => {
    const original = classifier();
    let refused = 0;
    const attempt = (blob: Uint8Array): void => {
      try {
        zipMapInputsAsOutputs(blob);
      } catch (err) {
        assert.ok(err instanceof Error && /^not an ONNX model: protobuf parsing failed \(.+\)$/.test(err.message), String(err));
        refused++;
      }
    };
    for (let n = 0; n < original.length; n++) attempt(original.subarray(0, n));
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(original);
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      attempt(bytes);
    }
    assert.ok(refused > 0);
  });
});

describe('nonTensorOutputs with onnxruntime', () => {
  it("'tensor': the ZipMap's probabilities come back as FLOAT [N, classes] in its output's position; the label is unchanged", async () => {
    const m = await backend.loadModel(classifier(), options('tensor'));
    try {
      assert.deepEqual(m.outputNames, ['label', 'probabilities']);
      const [label, probs] = await m.run([input()], 2);
      assert.ok(label);
      assert.deepEqual([label.dtype, label.shape, [...bytesOf(label, BigInt64Array)]], ['INT64', [4], LABELS]);
      assert.deepEqual(probs?.shape, [4, 3]);
      assertClose(probabilities(probs), softmaxRows(X, 3));
    } finally {
      await m.release();
    }
  });

  it("'skip' (the default): the sequence of maps gives null", async () => {
    for (const opts of [options('skip'), { ...options('skip'), nonTensorOutputs: undefined }]) {
      const m = await backend.loadModel(classifier(), opts);
      try {
        const [label, probs] = await m.run([input()], 2);
        assert.equal(label?.dtype, 'INT64');
        assert.equal(probs, null);
      } finally {
        await m.release();
      }
    }
  });

  it('every ZipMap output maps, in its own position, also where its input is an output already; other non-tensor outputs stay null', async () => {
    const blob = model({
      nodes: [softmax, argMax, zipMap('maps_a'), zipMap('maps_b'), node({ op: 'SequenceConstruct', inputs: ['X'], outputs: ['xs'] })],
      outputs: [
        probabilityMapsOut('maps_a'),
        valueInfo('xs', sequenceOf(tensorType(1, ['N', 3]))),
        labelOut,
        valueInfo('probabilities', tensorType(1, ['N', 3])),
        probabilityMapsOut('maps_b'),
      ],
    });
    const m = await backend.loadModel(blob, options('tensor'));
    try {
      const outputs = await m.run([input()], 5);
      const expected = softmaxRows(X, 3);
      for (const i of [0, 3, 4]) assertClose(probabilities(outputs[i]), expected);
      assert.equal(outputs[1], null);
      assert.equal(outputs[2]?.dtype, 'INT64');
    } finally {
      await m.release();
    }
  });

  it('the safe-op policy reads the bytes the client sent, before the rewrite', async () => {
    const custom = model({
      nodes: [softmax, argMax, zipMap(), node({ op: 'Scale', inputs: ['X'], outputs: ['y'], domain: 'com.example.custom' })],
      outputs: [labelOut, probabilityMapsOut()],
    });
    await assert.rejects(backend.loadModel(custom, options('tensor')), /op 'Scale' of domain 'com\.example\.custom'/);
  });

  it('with unsafe ops allowed (no policy first), a damaged model is still refused with a clear message', async () => {
    backend.init({ ...CONFIG, allowUnsafeOps: true });
    const damaged = classifier().subarray(0, 40);
    await assert.rejects(backend.loadModel(Buffer.from(damaged), options('tensor')), /^Error: not an ONNX model: protobuf parsing failed/);
  });
});
