import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BackendConfig, Device, ModelOptions } from '@modelkv/core';
import backend from '../src/index.js';
import { checkOnnxModel } from '../src/model-policy.js';
import { sessionSettings } from '../src/session-settings.js';
import { loadFixture, modelBytes } from './fixtures.js';

const CPU: ModelOptions = { device: { kind: 'CPU', index: 0 }, inputs: [], outputs: [] };
const POLICY: BackendConfig = { intraOpThreads: 0, interOpThreads: 0, allowUnsafeOps: false };
const unsafe = (file: string): Buffer => modelBytes(file, 'make_unsafe');

afterEach(() => {
  backend.init(POLICY);
});

describe('models the safe-op policy refuses before onnxruntime sees them', () => {
  it('an initializer with external data: onnxruntime would read a file of the server', async () => {
    await assert.rejects(backend.loadModel(unsafe('unsafe_external.onnx'), CPU), {
      message:
        "tensor 'w' with external data ('unsafe_external.weights') is not allowed: onnxruntime would read its bytes from a file " +
        "on the server's disk; set --allow-unsafe-ops yes to load trusted models",
    });
  });

  it('external data hidden in a subgraph of an If node', async () => {
    await assert.rejects(
      backend.loadModel(unsafe('unsafe_external_in_subgraph.onnx'), CPU),
      /tensor 'w' with external data \('unsafe_subgraph\.weights'\)/,
    );
  });

  it('a node in a custom operator domain', async () => {
    await assert.rejects(
      backend.loadModel(unsafe('unsafe_custom_op.onnx'), CPU),
      /op 'Scale' of domain 'com\.example\.custom' \(node 'scale'\) is not allowed: onnxruntime runs ops of that domain only through a custom-op library/,
    );
  });

  it('the fixture models of every other test pass', () => {
    for (const [name, script] of [
      ['tiny_mul', 'make_tiny'],
      ['mnist_cnn', 'make_mnist_cnn'],
      ['two_outputs', 'make_two_outputs'],
      ['string_identity', 'make_strings'],
    ] as const) {
      checkOnnxModel(loadFixture(name, script).model);
    }
  });
});

describe('with unsafe ops allowed', () => {
  it('the models reach onnxruntime, which answers for itself (this version refuses external data of a model given as bytes)', async () => {
    backend.init({ ...POLICY, allowUnsafeOps: true });
    await assert.rejects(backend.loadModel(unsafe('unsafe_external.onnx'), CPU), (err: Error) => {
      assert.match(err.message, /external data|model_path must not be empty/i);
      assert.doesNotMatch(err.message, /allow-unsafe-ops/);
      return true;
    });
    await assert.rejects(
      backend.loadModel(unsafe('unsafe_custom_op.onnx'), CPU),
      /com\.example\.custom:Scale\(-1\) is not a registered function\/op/,
    );
  });
});

it('session options hold only placement and thread counts: nothing names a file or a custom-op library', () => {
  const devices: Device[] = [
    { kind: 'CPU', index: 0 },
    { kind: 'GPU', index: 1 },
  ];
  for (const device of devices) {
    for (const threads of [0, 3]) {
      const settings = sessionSettings(device, { intraOpThreads: threads, interOpThreads: threads, allowUnsafeOps: true });
      for (const key of Object.keys(settings)) {
        assert.ok(['executionProviders', 'intraOpNumThreads', 'interOpNumThreads', 'executionMode'].includes(key), key);
      }
    }
  }
});
