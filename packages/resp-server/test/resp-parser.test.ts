import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownBuffer } from '../src/args.js';
import { READ_BUFFER_BYTES, isReadBufferView } from '../src/read-buffer.js';
import { ARG_OVERHEAD_BYTES, OWN_BULK_BYTES, ProtocolError, RespParser, splitInlineArgs } from '../src/resp-parser.js';
import { encodeCommand } from './resp-client.js';

/** Feeds the chunks in order and collects every command the parser yields, as strings (latin1). */
function parseAll(chunks: readonly Buffer[], parser = new RespParser()): string[][] {
  const out: string[][] = [];
  for (const c of chunks) {
    parser.feed(c);
    for (let cmd = parser.next(); cmd !== null; cmd = parser.next()) out.push(cmd.map((a) => a.toString('latin1')));
  }
  return out;
}

/**
 * Delivers the stream as a socket reading into the parser's memory does: each read fills at most
 * the next of `sizes` bytes (cycling) of the region the parser lends, and the commands complete
 * after it are taken (copied, as their arguments are valid only until the next one).
 */
function readAll(stream: Buffer, sizes: readonly number[], parser = new RespParser()): Buffer[][] {
  const out: Buffer[][] = [];
  for (let off = 0, i = 0; off < stream.length; i++) {
    const region = parser.readBuffer();
    const n = Math.min(region.length, sizes[i % sizes.length]!, stream.length - off);
    stream.copy(region, 0, off, off + n);
    parser.received(n, region);
    off += n;
    for (let c = parser.next(); c !== null; c = parser.next()) out.push(c.map((a) => Buffer.from(a)));
  }
  return out;
}

/** Bytes that differ from offset to offset, so a misplaced copy cannot go unnoticed. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

/** The error message a malformed input ends in, or undefined if it parses. */
function protocolError(input: Buffer | string, parser = new RespParser()): string | undefined {
  try {
    parseAll([Buffer.from(input)], parser);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`);
    return err.message;
  }
}

const binary = Buffer.from([0, 13, 10, 36, 42, 255, 13, 10, 13]);
const STREAM = Buffer.concat([
  encodeCommand(['SET', 'key', binary]),
  Buffer.from('PING\r\n'),
  encodeCommand(['AI.TENSORSET', 't', 'UINT8', '3', 'BLOB', Buffer.from([1, 2, 3])]),
  Buffer.from('*0\r\n'),
  Buffer.from("ECHO \"a b\\x41\\n\" 'c\\'d'\n"),
  Buffer.from('\r\n'),
  encodeCommand(['EMPTY', '']),
  encodeCommand(['GET', 'x']),
]);
const EXPECTED = [
  ['SET', 'key', binary.toString('latin1')],
  ['PING'],
  ['AI.TENSORSET', 't', 'UINT8', '3', 'BLOB', '\x01\x02\x03'],
  ['ECHO', 'a bA\n', "c'd"],
  ['EMPTY', ''],
  ['GET', 'x'],
];

describe('RespParser', () => {
  it('parses pipelined multibulk and inline commands in one chunk', () => {
    assert.deepEqual(parseAll([STREAM]), EXPECTED);
  });

  it('gives the same commands whatever byte the stream is split at', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const got = parseAll([STREAM.subarray(0, i), STREAM.subarray(i)]);
      assert.deepEqual(got, EXPECTED, `split at byte ${i}`);
    }
  });

  it('gives the same commands when split at every pair of positions', () => {
    for (let i = 0; i <= STREAM.length; i += 3) {
      for (let j = i; j <= STREAM.length; j += 5) {
        const got = parseAll([STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)]);
        assert.deepEqual(got, EXPECTED, `split at bytes ${i} and ${j}`);
      }
    }
  });

  it('parses a stream fed one byte at a time', () => {
    const chunks = [...STREAM].map((b) => Buffer.from([b]));
    assert.deepEqual(parseAll(chunks), EXPECTED);
  });

  it('returns short bulks as views of the read buffer, which ownBuffer copies, and long ones in buffers of their own', () => {
    const short = Buffer.alloc(OWN_BULK_BYTES - 1, 7);
    const long = Buffer.alloc(OWN_BULK_BYTES, 8);
    const p = new RespParser();
    p.feed(encodeCommand(['SET', 'k', short]));
    const [, , view] = p.next()!;
    assert.ok(view!.equals(short));
    assert.ok(isReadBufferView(view!), 'a view of the read buffer');
    assert.ok(Buffer.isBuffer(view) && view instanceof Buffer, 'a Buffer in every respect');
    assert.equal(view.subarray(0, 3).toString('hex'), '070707');
    assert.equal(view.readUInt8(0), 7);
    assert.ok(isReadBufferView(view.subarray(1)), 'and so is a view of it');
    const kept = ownBuffer(view);
    assert.ok(!isReadBufferView(kept) && kept.equals(short), 'ownBuffer copies it');

    p.feed(encodeCommand(['SET', 'k', long]));
    const [, , own] = p.next()!;
    assert.ok(own!.equals(long));
    assert.ok(!isReadBufferView(own!), 'a buffer of its own');
    assert.ok(own!.buffer.byteLength <= long.length + 2, 'its exact size (and CRLF)');
    assert.equal(ownBuffer(own!), own, 'kept without a copy');
  });

  it('reads the rest of a long bulk straight into its buffer, then the commands after it', () => {
    const blob = pattern(200_000, 1);
    const frame = encodeCommand(['AI.TENSORSET', 't', 'UINT8', String(blob.length), 'BLOB', blob]);
    const p = new RespParser();
    const first = p.readBuffer();
    frame.copy(first, 0, 0, 1000);
    p.received(1000, first);
    assert.equal(p.next(), null);
    const rest = p.readBuffer();
    assert.equal(rest.length, frame.length - 1000, 'exactly the rest of the bulk and its CRLF');
    frame.copy(rest, 0, 1000);
    p.received(rest.length, rest);
    const argv = p.next()!;
    assert.equal(argv.length, 6);
    assert.equal(argv[5]!.buffer, rest.buffer, 'the data was read into the argument itself');
    assert.ok(argv[5]!.equals(blob));
    assert.deepEqual(argv.slice(0, 5).map(String), ['AI.TENSORSET', 't', 'UINT8', String(blob.length), 'BLOB']);
    p.feed(Buffer.from('PING\r\n'));
    assert.deepEqual(p.next()?.map(String), ['PING']);
  });

  it('gives the same commands whatever the sizes of the reads', () => {
    const long = pattern(3 * READ_BUFFER_BYTES + 5, 2);
    const edge = pattern(OWN_BULK_BYTES - 1, 3);
    const atEdge = pattern(OWN_BULK_BYTES, 4);
    const commands: (string | Buffer)[][] = [
      ['SET', 'a', edge],
      ['AI.TENSORSET', 'big', 'UINT8', String(long.length), 'BLOB', long],
      ['PING'],
      ['SET', 'b', atEdge],
      ['ECHO', binary],
      ['AI.TENSORSET', 'big2', 'UINT8', String(long.length), 'BLOB', long],
      ['GET', 'a'],
    ];
    const stream = Buffer.concat([...commands.map((c) => encodeCommand(c)), STREAM]);
    const expected = [...commands.map((c) => c.map((a) => Buffer.from(a).toString('latin1'))), ...EXPECTED];
    for (const sizes of [[1 << 30], [READ_BUFFER_BYTES], [1], [7], [4096], [100, 3, 20_000], [16_383, 65_537]]) {
      const got = readAll(stream, sizes).map((c) => c.map((a) => a.toString('latin1')));
      assert.equal(got.length, expected.length, `reads of ${sizes.join(', ')} bytes`);
      for (let i = 0; i < got.length; i++)
        assert.ok(
          got[i]!.every((a, j) => a === expected[i]![j]),
          `command ${i}, reads of ${sizes.join(', ')} bytes`,
        );
    }
  });

  it('lends idle parsers one shared buffer, and moves what is left unparsed out of it before the next read', () => {
    const a = new RespParser();
    const b = new RespParser();
    const shared = a.readBuffer();
    assert.equal(b.readBuffer().buffer, shared.buffer, 'idle parsers lend the same memory');
    // a's read: a command it runs, then commands held back (its connection waits), then a partial one.
    const held = [encodeCommand(['SET', 'k1', pattern(900, 1)]), encodeCommand(['SET', 'k2', pattern(900, 2)])];
    const last = encodeCommand(['SET', 'k3', pattern(900, 3)]);
    const read = Buffer.concat([encodeCommand(['PING']), ...held, last.subarray(0, 500)]);
    read.copy(shared);
    a.received(read.length, shared);
    assert.deepEqual(a.next()?.map(String), ['PING']);
    const next = a.readBuffer();
    assert.notEqual(next.buffer, shared.buffer, 'what is left moved to memory of its own');
    // b's read lands in the shared buffer meanwhile.
    const junk = Buffer.alloc(shared.length, 0x2a);
    const bRegion = b.readBuffer();
    assert.equal(bRegion.buffer, shared.buffer);
    junk.copy(bRegion);
    b.received(100, bRegion);
    last.copy(next, 0, 500);
    a.received(last.length - 500, next);
    for (let i = 1; i <= 3; i++) {
      const argv = a.next()!;
      assert.equal(argv[1]!.toString(), `k${i}`);
      assert.ok(argv[2]!.equals(pattern(900, i)));
    }
    assert.equal(a.next(), null);
    assert.equal(a.readBuffer().buffer, shared.buffer, 'idle again: back to the shared buffer');
  });

  it('copies in data read into memory it did not lend', () => {
    const p = new RespParser();
    const frame = Buffer.concat([encodeCommand(['SET', 'k', pattern(OWN_BULK_BYTES * 2, 6)]), encodeCommand(['PING'])]);
    p.received(10, frame.subarray(0, 10));
    p.received(frame.length - 10, frame.subarray(10));
    assert.ok(p.next()![2]!.equals(pattern(OWN_BULK_BYTES * 2, 6)));
    assert.deepEqual(p.next()?.map(String), ['PING']);
  });

  it('assembles a huge bulk arriving in small chunks into one buffer of its exact size', () => {
    const size = 48 * 1024 * 1024;
    const payload = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4096) payload.writeUInt32LE(i, i);
    const frame = Buffer.concat([encodeCommand(['AI.TENSORSET', 'big', 'UINT8', String(size), 'BLOB', payload]), encodeCommand(['PING'])]);
    const p = new RespParser();
    const commands: Buffer[][] = [];
    const step = 16 * 1024 + 3;
    for (let i = 0; i < frame.length; i += step) {
      p.feed(frame.subarray(i, i + step));
      for (let c = p.next(); c !== null; c = p.next()) commands.push(c);
    }
    assert.equal(commands.length, 2);
    const blob = commands[0]![5]!;
    assert.equal(blob.length, size);
    assert.ok(blob.buffer.byteLength <= size + 2, 'one allocation of the exact size (and CRLF), no re-buffering');
    assert.ok(blob.equals(payload));
    assert.deepEqual(commands[1]!.map(String), ['PING']);
  });

  it('skips empty and negative multibulk counts and empty inline lines', () => {
    assert.deepEqual(parseAll([Buffer.from('*0\r\n*-1\r\n\r\n \r\n\nPING\r\n')]), [['PING']]);
  });

  it('accepts inline commands ended by LF alone', () => {
    assert.deepEqual(parseAll([Buffer.from('PING\nECHO x\n')]), [['PING'], ['ECHO', 'x']]);
  });

  it('splits inline arguments as Redis does', () => {
    const split = (s: string): string[] | null => splitInlineArgs(Buffer.from(s, 'latin1'))?.map((b) => b.toString('latin1')) ?? null;
    assert.deepEqual(split('  a   b\tc  '), ['a', 'b', 'c']);
    assert.deepEqual(split('"x\\x41\\x4a\\n\\r\\t\\"y" z'), ['xAJ\n\r\t"y', 'z']);
    assert.deepEqual(split("'a\\'b' 'c\\nd'"), ["a'b", 'c\\nd']);
    assert.deepEqual(split('""'), ['']);
    assert.deepEqual(split('ab"c d"'), ['abc d']);
    assert.equal(split('"abc'), null);
    assert.equal(split('"a"b'), null);
    assert.equal(split("'a'b"), null);
  });

  it('refuses malformed frames with Redis protocol errors', () => {
    assert.equal(protocolError('*x\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*1x\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*+1\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('* 1\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*01\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*1\n$4\r\nPING\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*2147483648\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*1\r\n$x\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n$-1\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n$04\r\nPING\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n$ 4\r\nPING\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n$99999999999999999999\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n+PING\r\n'), "expected '$', got '+'");
    assert.equal(protocolError('*1\r\n$4\r\nPINGxx'), 'expected CRLF after bulk data');
    assert.equal(protocolError('*1\r\n$4\r\nPING\rx'), 'expected CRLF after bulk data');
    assert.equal(protocolError('*1\r\n$1\r\nx\n\r'), 'expected CRLF after bulk data');
    assert.equal(protocolError('*2\r\n$1\r\nx\r\n$2\r\nyz\r\r'), 'expected CRLF after bulk data');
    assert.equal(protocolError('*1\r\n$4\r\rPING\r\n'), 'invalid bulk length');
    assert.equal(protocolError('*1\r\r$4\r\nPING\r\n'), 'invalid multibulk length');
    assert.equal(protocolError('*1\r\n$999999999999999\r\n'), 'invalid bulk length');
    assert.equal(
      protocolError(Buffer.concat([Buffer.from(`*1\r\n$${OWN_BULK_BYTES}\r\n`), Buffer.alloc(OWN_BULK_BYTES + 2)])),
      'expected CRLF after bulk data',
    );
    assert.equal(protocolError('PING "a\r\n'), 'unbalanced quotes in request');
    assert.equal(protocolError(`*${'1'.repeat(70000)}`), 'too big mbulk count string');
    assert.equal(protocolError(`*1\r\n$${'1'.repeat(70000)}`), 'too big bulk count string');
    assert.equal(protocolError(`PING ${'x'.repeat(70000)}`), 'too big inline request');
  });

  it('refuses a bulk longer than the configured maximum', () => {
    const p = new RespParser({ maxBulkLength: 1024 });
    assert.equal(protocolError('*1\r\n$1024\r\n', p), undefined);
    assert.equal(protocolError('*1\r\n$1025\r\n', new RespParser({ maxBulkLength: 1024 })), 'invalid bulk length');
    assert.equal(protocolError('*1\r\n$536870913\r\n'), 'invalid bulk length');
  });

  it('yields the commands before a malformed one', () => {
    const p = new RespParser();
    p.feed(Buffer.from('PING\r\n*1\r\n$x\r\n'));
    assert.deepEqual(p.next()?.map(String), ['PING']);
    assert.throws(() => p.next(), ProtocolError);
  });

  it('waits for a long inline line trickling in without joining it at every byte', () => {
    const line = `ECHO ${'y'.repeat(60000)}\r\n`;
    const p = new RespParser();
    let out: Buffer[] | null = null;
    for (let i = 0; i < line.length; i += 7) {
      p.feed(Buffer.from(line.slice(i, i + 7)));
      out = p.next() ?? out;
    }
    assert.equal(out?.[1]?.length, 60000);
  });

  it('holds a request of millions of empty arguments as one shared buffer each, read after read', () => {
    const n = 2_000_000;
    const p = new RespParser();
    p.feed(Buffer.from(`*${n}\r\n`));
    const chunk = Buffer.from('$0\r\n\r\n'.repeat(10_000));
    let argv: Buffer[] | null = null;
    for (let i = 0; i < n / 10_000; i++) {
      assert.equal(argv, null);
      p.feed(chunk);
      argv = p.next();
      if (argv === null) assert.equal(p.requestBytes, (i + 1) * 10_000 * ARG_OVERHEAD_BYTES, 'each argument counted once');
    }
    assert.equal(argv?.length, n);
    assert.equal(new Set(argv).size, 1, 'no buffer of its own for any empty argument');
    assert.equal(p.requestBytes, 0, 'nothing held once the request is taken');
  });

  it('counts the request in progress: unparsed bytes, a long bulk in full, and the arguments so far', () => {
    const p = new RespParser();
    p.feed(Buffer.from('*3\r\n$4\r\nECHO\r\n$3\r\nabc\r\n$100000\r\nxyz'));
    assert.equal(p.next(), null);
    assert.equal(p.requestBytes, 4 + 3 + 2 * ARG_OVERHEAD_BYTES + 100_002);
  });
});
