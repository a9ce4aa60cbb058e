import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { type Frame, FrameReader, FrameWriter } from '../src/host/frames.js';
import { HeadReader, HeadWriter, ProtocolError } from '../src/host/head.js';

const LIMITS = { maxHead: 1 << 20, maxSection: 1 << 24, maxSections: 100, maxTotal: 1 << 26 };

/** The bytes FrameWriter produces for `frames`, in one Buffer. */
async function encode(frames: { type: number; id: number; head: Buffer; sections: Buffer[] }[]): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new FrameWriter(sink);
  for (const f of frames) writer.send(f.type, f.id, f.head, f.sections);
  await new Promise((r) => setImmediate(r));
  return Buffer.concat(chunks);
}

function sample(): { type: number; id: number; head: Buffer; sections: Buffer[] }[] {
  const big = Buffer.alloc(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  return [
    { type: 4, id: 1, head: new HeadWriter().u32(9).str('forward').f64(2.5).done(), sections: [Buffer.from('abc'), Buffer.alloc(0)] },
    { type: 67, id: 2, head: Buffer.alloc(0), sections: [] },
    { type: 2, id: 0xffffffff, head: new HeadWriter().json({ device: 'CPU' }).done(), sections: [big] },
    { type: 68, id: 3, head: new HeadWriter().str('é'.repeat(3000)).done(), sections: [Buffer.from([1, 2, 3, 4])] },
  ];
}

function same(got: Frame[], want: ReturnType<typeof sample>): void {
  assert.equal(got.length, want.length);
  got.forEach((f, i) => {
    assert.equal(f.type, want[i]!.type);
    assert.equal(f.id, want[i]!.id);
    assert.ok(f.head.equals(want[i]!.head), `head of frame ${i}`);
    assert.equal(f.sections.length, want[i]!.sections.length);
    f.sections.forEach((s, j) => {
      assert.ok(s.equals(want[i]!.sections[j]!), `section ${j} of frame ${i}`);
    });
  });
}

test('frames survive any split of the stream, copied in chunk by chunk', async () => {
  const frames = sample();
  const bytes = await encode(frames);
  for (const size of [1, 7, 11, 4096, 65536, bytes.length]) {
    const got: Frame[] = [];
    const reader = new FrameReader(LIMITS, (f) => got.push(f));
    for (let off = 0; off < bytes.length; off += size) reader.push(bytes.subarray(off, off + size));
    same(got, frames);
  }
});

test('reads land in the memory the reader lends: large sections are read straight into their own buffer', async () => {
  const frames = sample();
  const bytes = await encode(frames);
  const got: Frame[] = [];
  const reader = new FrameReader(LIMITS, (f) => got.push(f));
  let off = 0;
  const lent = new Set<ArrayBufferLike>();
  while (off < bytes.length) {
    const room = reader.buffer();
    lent.add(room.buffer);
    const n = Math.min(room.length, bytes.length - off, 5000);
    bytes.copy(room, 0, off, off + n);
    reader.received(n);
    off += n;
  }
  same(got, frames);
  const section = got[2]!.sections[0]!;
  assert.ok(lent.has(section.buffer), 'reads went straight into the large section');
  assert.ok(!lent.has(got[0]!.sections[0]!.buffer), 'small sections are copied out of the scratch buffer');
});

test('frames beyond the limits are protocol errors', async () => {
  const [first] = await Promise.all([encode([{ type: 1, id: 1, head: Buffer.alloc(10), sections: [Buffer.alloc(100)] }])]);
  const tight = (limits: Partial<typeof LIMITS>): FrameReader => new FrameReader({ ...LIMITS, ...limits }, () => undefined);
  assert.throws(() => {
    tight({ maxHead: 5 }).push(first);
  }, ProtocolError);
  assert.throws(() => {
    tight({ maxSection: 50 }).push(first);
  }, ProtocolError);
  assert.throws(() => {
    tight({ maxSections: 0 }).push(first);
  }, ProtocolError);
  const bad = Buffer.from(first);
  bad.writeDoubleLE(-1, 11);
  assert.throws(() => {
    tight({}).push(bad);
  }, /invalid section length/);
});

test('a head reader refuses to read past the end or to leave bytes unread', () => {
  const head = new HeadWriter().u8(1).u16(2).u32(3).f64(4).str('five').done();
  const r = new HeadReader(head);
  assert.deepEqual([r.u8(), r.u16(), r.u32(), r.f64(), r.str()], [1, 2, 3, 4, 'five']);
  r.end();
  assert.throws(() => new HeadReader(head.subarray(0, 9)).str(), ProtocolError);
  const partial = new HeadReader(head);
  partial.u8();
  assert.throws(() => {
    partial.end();
  }, /unexpected bytes/);
  assert.throws(() => new HeadReader(new HeadWriter().f64(1.5).done()).count(10, 'dimension'), /invalid dimension/);
});
