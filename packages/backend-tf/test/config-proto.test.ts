import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { type SessionConfig, encodeConfigProto } from '../src/config-proto.js';
import { TF_PYTHON } from './fixtures.js';

// The same ConfigProtos serialized by TensorFlow's own protobuf classes, one hex line each.
const PYTHON = `
import json, sys
from tensorflow.core.protobuf import config_pb2
for c in json.load(sys.stdin):
    p = config_pb2.ConfigProto()
    if c["intraOpThreads"]: p.intra_op_parallelism_threads = c["intraOpThreads"]
    if c["interOpThreads"]: p.inter_op_parallelism_threads = c["interOpThreads"]
    if c["gpuAllowGrowth"]: p.gpu_options.allow_growth = True
    if c["allowSoftPlacement"]: p.allow_soft_placement = True
    print(p.SerializeToString().hex())
`;

test('the hand-encoded ConfigProto is byte for byte what TensorFlow serializes', () => {
  const cases: SessionConfig[] = [
    { intraOpThreads: 0, interOpThreads: 0, gpuAllowGrowth: false, allowSoftPlacement: false },
    { intraOpThreads: 0, interOpThreads: 0, gpuAllowGrowth: true, allowSoftPlacement: true },
    { intraOpThreads: 1, interOpThreads: 1, gpuAllowGrowth: true, allowSoftPlacement: true },
    { intraOpThreads: 4, interOpThreads: 2, gpuAllowGrowth: false, allowSoftPlacement: true },
    { intraOpThreads: 300, interOpThreads: 70000, gpuAllowGrowth: true, allowSoftPlacement: false },
  ];
  const expected = execFileSync(TF_PYTHON, ['-c', PYTHON], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  }).split('\n');
  cases.forEach((c, i) => {
    assert.equal(encodeConfigProto(c).toString('hex'), expected[i], JSON.stringify(c));
  });
});
