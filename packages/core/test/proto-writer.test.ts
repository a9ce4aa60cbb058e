import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtoReader, ProtoWriter, WireType, encodeVarint } from '../src/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  test('writes the encoding examples of the protobuf documentation', () => {
    assert.equal(hex(new ProtoWriter().varint(1, 150).finish()), '089601');
    assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
    const test1 = new ProtoWriter().varint(1, 150);
    assert.equal(hex(new ProtoWriter().message(3, test1).finish()), '1a03089601');
  });

  test('varints: the edges of each length, up to 2^53 - 1, read back by ProtoReader', () => {
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
    assert.deepEqual(
      values.map((v) => encodeVarint(v).length),
      [1, 1, 1, 2, 2, 3, 5, 5, 8],
    );
    const w = new ProtoWriter();
    for (const v of values) w.varint(536870911, v); // the largest field number
    const r = new ProtoReader(w.finish());
    const read: number[] = [];
    while (r.next()) {
      assert.deepEqual([r.field, r.wireType], [536870911, WireType.VARINT]);
      read.push(r.varint());
    }
    assert.deepEqual(read, values);
  });

  test('refuses what protobuf cannot encode this way', () => {
    for (const v of [-1, 0.5, 2 ** 53, Number.NaN, Infinity]) assert.throws(() => encodeVarint(v), RangeError);
    for (const field of [0, -3, 2 ** 29, 1.5]) assert.throws(() => new ProtoWriter().varint(field, 1), RangeError);
  });

  test('bytes, UTF-8 strings and empty fields', () => {
    const w = new ProtoWriter()
      .bytes(4, Uint8Array.from([0, 255]))
      .string(5, 'Zürich')
      .bytes(6, new Uint8Array(0));
    assert.equal(w.length, 2 + 2 + 2 + 7 + 2);
    const r = new ProtoReader(w.finish());
    assert.ok(r.next());
    assert.deepEqual([...r.bytes()], [0, 255]);
    assert.ok(r.next());
    assert.equal(r.string(), 'Zürich');
    assert.ok(r.next());
    assert.equal(r.bytes().length, 0);
    assert.ok(!r.next());
  });

  test('a nested field rewritten in place: other fields copied with raw(), the enclosing lengths made anew', () => {
    // message Outer { int32 a = 1; Middle m = 2; fixed64 z = 3; }  message Middle { string name = 1; repeated string item = 2; }
    const middle = new ProtoWriter().string(1, 'm').string(2, 'short').string(2, 'keep');
    const original = new ProtoWriter().varint(1, 7).message(2, middle).bytes(9, new Uint8Array(200)).finish();
    const out = new ProtoWriter();
    const outer = new ProtoReader(original);
    while (outer.next()) {
      if (outer.field !== 2) {
        out.raw(outer.raw());
        continue;
      }
      const inner = outer.message();
      const rewritten = new ProtoWriter();
      while (inner.next()) {
        if (inner.field === 2 && inner.string() === 'short') rewritten.string(2, 'x'.repeat(300));
        else rewritten.raw(inner.raw());
      }
      out.message(2, rewritten);
    }
    const result = out.finish();
    const expected = new ProtoWriter()
      .varint(1, 7)
      .message(2, new ProtoWriter().string(1, 'm').string(2, 'x'.repeat(300)).string(2, 'keep'))
      .bytes(9, new Uint8Array(200))
      .finish();
    assert.equal(hex(result), hex(expected));
    assert.equal(result.length, original.length + 295 + 2); // the item's and the middle's lengths each grew a byte
  });

  test('raw() returns a field exactly as encoded, for every wire type', () => {
    const message = Buffer.from('08960111010203040506070812026869250a0b0c0d', 'hex');
    const r = new ProtoReader(message);
    const copy = new ProtoWriter();
    const sizes: number[] = [];
    while (r.next()) {
      const field = r.raw();
      sizes.push(field.length);
      copy.raw(field);
    }
    assert.deepEqual(sizes, [3, 9, 4, 5]);
    assert.equal(hex(copy.finish()), hex(message));
  });
});
