import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DType } from '@modelkv/core';
import { backend } from '../src/index.js';
import { artifact, assertClose, manifest } from './fixtures.js';

const TORCH_DTYPES: DType[] = ['FLOAT', 'DOUBLE', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'];

for (const dtype of TORCH_DTYPES) {
  test(`${dtype} in, every dtype out: exactly Python torch's casts`, async () => {
    const m = manifest(`dtype_${dtype}`);
    const c = m.cases[0]!;
    assert.equal(c.inputs[0]!.dtype, dtype);
    const model = await backend.loadModel(artifact(m), { device: { kind: 'CPU', index: 0 }, inputs: [], outputs: [] });
    const outputs = (await model.run(c.inputs, TORCH_DTYPES.length)).map((o) => {
      assert.ok(o, 'every output is a tensor');
      return o;
    });
    assert.deepEqual(
      outputs.map((o) => o.dtype),
      TORCH_DTYPES,
    );
    outputs.forEach((o, i) => {
      assertClose(o, c.outputs[i]!, 0, 0, `${dtype} -> ${TORCH_DTYPES[i]}`);
    });
    await model.release();
  });
}
