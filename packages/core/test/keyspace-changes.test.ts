import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyspace, type StoredValue } from '../src/keyspace.js';
import type { StoreChange } from '../src/store.js';
import { Tensor } from '../src/tensor.js';

const tensor = (v: number): StoredValue => ({ kind: 'tensor', tensor: Tensor.fromValues('INT32', [1], [String(v)]) });
const valueOf = (v: StoredValue | undefined): number => {
  assert.ok(v?.kind === 'tensor');
  return v.tensor.values()[0] as number;
};

function drain(view: ReturnType<Keyspace['view']>): Map<string, number> {
  const out = new Map<string, number>();
  for (let e = view.next(); e !== undefined; e = view.next()) {
    assert.ok(!out.has(e[0]), `key ${e[0]} returned twice`);
    out.set(e[0], valueOf(e[1]));
  }
  return out;
}

test('every change is reported in order; groups nest and only the outermost pair is seen', () => {
  const ks = new Keyspace();
  const seen: string[] = [];
  const off = ks.onChange((c: StoreChange) => seen.push(c.type === 'set' || c.type === 'delete' ? `${c.type} ${c.key}` : c.type));
  ks.set('a', tensor(1));
  ks.beginGroup();
  ks.beginGroup();
  ks.set('b', tensor(2));
  ks.endGroup();
  ks.delete('a');
  ks.endGroup();
  assert.equal(ks.delete('missing'), false);
  ks.flush();
  off();
  ks.set('c', tensor(3));
  assert.deepEqual(seen, ['set a', 'begin', 'set b', 'delete a', 'end', 'flush']);
});

test('flush is reported while the keys are still there', () => {
  const ks = new Keyspace();
  ks.set('a', tensor(1));
  let sizeSeen = -1;
  ks.onChange((c) => {
    if (c.type === 'flush') sizeSeen = ks.size;
  });
  ks.flush();
  assert.equal(sizeSeen, 1);
  assert.equal(ks.size, 0);
});

test('a view returns the keyspace as it was, whatever happens while it is read', () => {
  const ks = new Keyspace();
  for (let i = 0; i < 100; i++) ks.set(`k${i}`, tensor(i));
  const view = ks.view();
  assert.equal(view.total, 100);
  const out = new Map<string, number>();
  // Read a third, then change things the view has and has not reached yet.
  for (let i = 0; i < 33; i++) {
    const e = view.next()!;
    out.set(e[0], valueOf(e[1]));
  }
  ks.set('k0', tensor(-1)); // already returned
  ks.set('k50', tensor(-50)); // not reached yet: the old value must come back
  ks.delete('k60'); // removed before reached: still in the view
  ks.delete('k70');
  ks.set('k70', tensor(-70)); // removed and added again: the old value, once
  ks.set('new', tensor(1000)); // added after the view: not in it
  for (const [k, v] of drain(view)) {
    assert.ok(!out.has(k), `key ${k} returned twice`);
    out.set(k, v);
  }
  assert.equal(out.size, 100);
  for (let i = 0; i < 100; i++) assert.equal(out.get(`k${i}`), i, `k${i}`);
  assert.equal(out.has('new'), false);
  assert.equal(view.next(), undefined);
});

test('a view survives FLUSHALL and keeps every value it had not reached', () => {
  const ks = new Keyspace();
  for (let i = 0; i < 10; i++) ks.set(`k${i}`, tensor(i));
  const view = ks.view();
  const first = view.next()!;
  ks.flush();
  ks.set('k3', tensor(33));
  const rest = drain(view);
  rest.set(first[0], valueOf(first[1]));
  assert.deepEqual([...rest.entries()].sort(), Array.from({ length: 10 }, (_, i) => [`k${i}`, i] as [string, number]).sort());
});

test('two views at once, and a closed view stops preserving', () => {
  const ks = new Keyspace();
  ks.set('a', tensor(1));
  const v1 = ks.view();
  ks.set('b', tensor(2));
  const v2 = ks.view();
  ks.set('a', tensor(10));
  assert.deepEqual([...drain(v1)], [['a', 1]]);
  assert.deepEqual([...drain(v2)].sort(), [
    ['a', 1],
    ['b', 2],
  ]);
  const v3 = ks.view();
  v3.close();
  ks.delete('a');
  assert.equal(v3.next(), undefined);
});

test('overwriting a key keeps its SCAN position and counts only the new value', () => {
  const ks = new Keyspace();
  ks.set('a', tensor(1));
  ks.set('b', tensor(2));
  ks.set('c', tensor(3));
  const bytes = ks.memoryUsage;
  const first = ks.scan(0, 2);
  assert.deepEqual(first.keys, ['a', 'b']);
  const wider = Tensor.fromValues('INT32', [2], ['7', '8']);
  const d = tensor(4);
  ks.setSameKind('a', { kind: 'tensor', tensor: wider });
  ks.setSameKind('d', d);
  assert.deepEqual(ks.scan(first.cursor, 10).keys, ['c', 'd']);
  assert.deepEqual(ks.keys(), ['a', 'b', 'c', 'd']);
  assert.ok(d.kind === 'tensor');
  assert.equal(ks.memoryUsage, bytes + (wider.memoryUsage - Tensor.fromValues('INT32', [1], ['1']).memoryUsage) + d.tensor.memoryUsage);
  assert.deepEqual(ks.tensorMemory.count, 4);
  const a = ks.get('a');
  assert.ok(a?.kind === 'tensor');
  assert.deepEqual(a.tensor.values(), [7, 8]);
});
