import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, RespParser, splitInlineArgs } from '../src/resp-parser.js';
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
  Buffer.from('ECHO "a b\\x41\\n" \'c\\\'d\'\n'),
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

  it('returns a bulk wholly inside a chunk as a slice of it, and one spanning chunks as an exact buffer', () => {
    const frame = encodeCommand(['SET', 'k', Buffer.alloc(1000, 7)]);
    const p = new RespParser();
    p.feed(frame);
    const [, , whole] = p.next()!;
    assert.equal(whole!.buffer, frame.buffer, 'slice of the received chunk');

    const q = new RespParser();
    const own = (b: Buffer): Buffer => {
      const copy = Buffer.allocUnsafeSlow(b.length);
      b.copy(copy);
      return copy;
    };
    const first = own(frame.subarray(0, 500));
    const second = own(frame.subarray(500));
    q.feed(first);
    assert.equal(q.next(), null);
    q.feed(second);
    const [, , spanning] = q.next()!;
    assert.equal(spanning!.length, 1000);
    assert.notEqual(spanning!.buffer, first.buffer);
    assert.notEqual(spanning!.buffer, second.buffer);
    assert.ok(spanning!.equals(Buffer.alloc(1000, 7)));
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
    assert.equal(blob.buffer.byteLength, size, 'one allocation of the exact size, no re-buffering');
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
});
