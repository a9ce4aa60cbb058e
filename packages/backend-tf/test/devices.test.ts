import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelkvDevices, placement } from '../src/devices.js';

// Device lists as TF_SessionListDevices reports them on a machine with two GPUs, and a CPU-only one.
const PREFIX = '/job:localhost/replica:0/task:0/device';

test('GPUs listed by libtensorflow become GPU:n, in index order, after CPU', () => {
  const listed = [
    { name: `${PREFIX}:CPU:0`, type: 'CPU' },
    { name: `${PREFIX}:GPU:1`, type: 'GPU' },
    { name: `${PREFIX}:GPU:0`, type: 'GPU' },
  ];
  assert.deepEqual(modelkvDevices(listed), ['CPU', 'GPU:0', 'GPU:1']);
  assert.deepEqual(modelkvDevices([{ name: `${PREFIX}:CPU:0`, type: 'CPU' }]), ['CPU']);
});

test('models are placed on the device they were set on, CPU included', () => {
  assert.equal(placement({ kind: 'GPU', index: 1 }), '/device:GPU:1');
  assert.equal(placement({ kind: 'CPU', index: 0 }), '/device:CPU:0');
});
