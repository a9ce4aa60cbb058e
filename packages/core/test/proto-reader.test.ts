import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ALLOW_UNSAFE_OPS_HINT,
  DEFAULT_MAX_PROTO_DEPTH,
  ProtoError,
  ProtoReader,
  UnsafeOpError,
  WireType,
  unsafeOpError,
} from '../src/index.js';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

/** Wraps `inner` as field 1 of a message, `levels` times. */
function nest(inner: Buffer, levels: number): Buffer {
  let out = inner;
  for (let i = 0; i < levels; i++) out = Buffer.concat([Buffer.from([0x0a]), varint(out.length), out]);
  return out;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

describe('ProtoReader', () => {
  test('reads the encoding examples of the protobuf documentation', () => {
    // message Test1 { int32 a = 1; }  a = 150
    const r1 = new ProtoReader(bytes('08 96 01'));
    assert.ok(r1.next());
    assert.deepEqual([r1.field, r1.wireType], [1, WireType.VARINT]);
    assert.equal(r1.varint(), 150);
    assert.ok(!r1.next());
    // message Test2 { string b = 2; }  b = "testing"
    const r2 = new ProtoReader(bytes('12 07 74 65 73 74 69 6e 67'));
    assert.ok(r2.next());
    assert.deepEqual([r2.field, r2.wireType], [2, WireType.LEN]);
    assert.equal(r2.string(), 'testing');
    // message Test3 { Test1 c = 3; }
    const r3 = new ProtoReader(bytes('1a 03 08 96 01'));
    assert.ok(r3.next());
    const inner = r3.message();
    assert.equal(inner.depth, 1);
    assert.ok(inner.next());
    assert.equal(inner.varint(), 150);
    assert.ok(!inner.next());
    assert.ok(!r3.next());
  });

  test('skips every wire type, and bytes() is a view', () => {
    const message = bytes('08 01  11 0102030405060708  1a 02 aabb  25 01020304  28 ff ff ff ff ff ff ff ff ff 01  32 01 7a');
    const r = new ProtoReader(message);
    const seen: number[] = [];
    let blob: Uint8Array | undefined;
    while (r.next()) {
      seen.push(r.field);
      if (r.field === 6) blob = r.bytes();
      else if (r.field === 5)
        assert.equal(r.varint(), 2 ** 64); // -1 as int64, rounded
      else r.skip();
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...blob!], [0x7a]);
    assert.equal(blob!.buffer, message.buffer);
  });

  test('refuses what is not a well-formed message, never reading past its end', () => {
    const refuse = (
      hex: string,
      why: RegExp,
      read: (r: ProtoReader) => void = (r) => {
        r.skip();
      },
    ): void => {
      assert.throws(
        () => {
          const r = new ProtoReader(bytes(hex));
          while (r.next()) read(r);
        },
        (err: unknown) => err instanceof ProtoError && why.test(err.message),
      );
    };
    refuse('12 05 6162', /runs past the end/); // length beyond the bytes
    refuse('12 ff ff ff ff 0f 61', /runs past the end/); // a 4 GiB length
    refuse('08 96', /truncated varint/);
    refuse('09 0102', /runs past the end/); // fixed64 cut short
    refuse('08 ff ff ff ff ff ff ff ff ff ff 01', /longer than 10 bytes/);
    refuse('0b 0c', /groups are not supported/);
    refuse('0e 00', /invalid wire type 6/);
    refuse('00 00', /field number 0/);
    refuse('08 01', /not length-delimited/, (r) => r.bytes());
    // A nested message cannot reach into the bytes after it: its own length bounds it.
    refuse('0a 02 12 05  6162636465', /runs past the end/, (r) => {
      const inner = r.message();
      while (inner.next()) inner.skip();
    });
  });

  test(`refuses messages nested deeper than ${DEFAULT_MAX_PROTO_DEPTH} levels`, () => {
    const walk = (r: ProtoReader): void => {
      while (r.next()) walk(r.message());
    };
    walk(new ProtoReader(nest(Buffer.alloc(0), DEFAULT_MAX_PROTO_DEPTH)));
    assert.throws(() => {
      walk(new ProtoReader(nest(Buffer.alloc(0), DEFAULT_MAX_PROTO_DEPTH + 1)));
    }, /nest deeper than 100 levels/);
  });

  test('bounds outside the buffer are refused', () => {
    assert.throws(() => new ProtoReader(Buffer.alloc(4), 2, 8), ProtoError);
  });
});

test('unsafeOpError names the thing, the reason and the flag that lifts the policy', () => {
  const err = unsafeOpError("op 'ReadFile' (node 'x')", 'it reads files');
  assert.ok(err instanceof UnsafeOpError);
  assert.equal(err.message, `op 'ReadFile' (node 'x') is not allowed: it reads files; ${ALLOW_UNSAFE_OPS_HINT}`);
  assert.match(ALLOW_UNSAFE_OPS_HINT, /--allow-unsafe-ops yes/);
});
