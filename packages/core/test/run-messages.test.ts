import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Msg } from '../src/host/protocol.js';
import { decodeRun, decodeRunReply, encodeResult, encodeRun } from '../src/host/run-messages.js';
import { Tensor } from '../src/tensor.js';

const x = Tensor.fromArray('FLOAT', [2], [1, 2]);

test('a Run frame carries an entry point call: its keys and args next to the tensors', () => {
  const head = encodeRun(7, 1500, 2, { fn: 'main', entryPoint: { keys: ['{a}k'], args: ['3', 'x'] } }, [x]);
  const run = decodeRun({ type: Msg.Run, id: 1, head, sections: [x.data] });
  assert.deepEqual(
    { handle: run.handle, timeoutMs: run.timeoutMs, outputCount: run.outputCount, fn: run.fn, entryPoint: run.entryPoint },
    { handle: 7, timeoutMs: 1500, outputCount: 2, fn: 'main', entryPoint: { keys: ['{a}k'], args: ['3', 'x'] } },
  );
  const plain = decodeRun({ type: Msg.Run, id: 2, head: encodeRun(7, 0, 1, { fn: '' }, [x]), sections: [x.data] });
  assert.equal(plain.entryPoint, undefined);
  assert.deepEqual(plain.inputs, [{ dtype: 'FLOAT', shape: [2] }]);
});

test('a Result frame carries outputs that are not tensors as null, with no section of their own', () => {
  const { head, sections } = encodeResult(42, [null, x, null]);
  assert.equal(sections.length, 1);
  const reply = decodeRunReply({ type: Msg.Result, id: 1, head, sections: sections.map((s) => Buffer.from(s)) }, 1 << 20);
  assert.equal(reply.durationUs, 42);
  assert.deepEqual(
    reply.outputs.map((t) => t?.values() ?? null),
    [null, [1, 2], null],
  );
  assert.throws(() => decodeRunReply({ type: Msg.Result, id: 1, head, sections: [] }, 1 << 20), /output count does not match/);
});
