import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Protocol, type ReplySink, RespWriter, ZERO_COPY_BYTES } from '../src/resp-writer.js';

/** A sink that records what it is given, and how. */
class RecordingSink implements ReplySink {
  readonly writes: Buffer[] = [];
  corks = 0;
  uncorks = 0;
  write(chunk: Buffer): boolean {
    this.writes.push(chunk);
    return true;
  }
  cork(): void {
    this.corks++;
  }
  uncork(): void {
    this.uncorks++;
  }
  get bytes(): string {
    return Buffer.concat(this.writes).toString('latin1');
  }
}

function render(protocol: Protocol, build: (w: RespWriter) => void): string {
  const w = new RespWriter();
  w.protocol = protocol;
  build(w);
  const sink = new RecordingSink();
  w.flushTo(sink);
  return sink.bytes;
}

describe('RespWriter', () => {
  it('writes RESP2 types', () => {
    assert.equal(
      render(2, (w) => {
        w.ok();
      }),
      '+OK\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.simple('PONG');
      }),
      '+PONG\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.error('ERR bad\r\nthing');
      }),
      '-ERR bad  thing\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.integer(0);
      }),
      ':0\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.integer(-1234567890123);
      }),
      ':-1234567890123\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.integer(-(2n ** 63n));
      }),
      ':-9223372036854775808\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.bulk(Buffer.from('a\r\nb'));
      }),
      '$4\r\na\r\nb\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.bulkString('é');
      }),
      '$2\r\n\xc3\xa9\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.bulkLatin1('\xff\x00');
      }),
      '$2\r\n\xff\x00\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.nullBulk();
      }),
      '$-1\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.nullArray();
      }),
      '*-1\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.array(0);
      }),
      '*0\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.double(1.5);
      }),
      '$3\r\n1.5\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.double(0.1);
      }),
      '$19\r\n0.10000000000000001\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.double(-Infinity);
      }),
      '$4\r\n-inf\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.bool(true);
      }),
      ':1\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.map(1);
        w.bulkString('k');
        w.integer(1);
      }),
      '*2\r\n$1\r\nk\r\n:1\r\n',
    );
    assert.equal(
      render(2, (w) => {
        w.verbatim('a\r\nb');
      }),
      '$4\r\na\r\nb\r\n',
    );
  });

  it('writes RESP3 types', () => {
    assert.equal(
      render(3, (w) => {
        w.nullBulk();
      }),
      '_\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.nullArray();
      }),
      '_\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.double(1.5);
      }),
      ',1.5\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.double(1e300);
      }),
      ',1.0000000000000001e+300\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.double(Infinity);
      }),
      ',inf\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.double(Number.NaN);
      }),
      ',nan\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.bool(false);
      }),
      '#f\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.map(1);
        w.bulkString('k');
        w.set(1);
        w.simple('x');
      }),
      '%1\r\n$1\r\nk\r\n~1\r\n+x\r\n',
    );
    assert.equal(
      render(3, (w) => {
        w.verbatim('hi');
      }),
      '=6\r\ntxt:hi\r\n',
    );
  });

  it('hands large bulk data to the sink without copying, corked with its framing', () => {
    const w = new RespWriter();
    const big = Buffer.alloc(ZERO_COPY_BYTES, 1);
    w.array(2);
    w.bulk(big);
    w.integer(7);
    const sink = new RecordingSink();
    assert.equal(w.flushTo(sink), true);
    assert.equal(sink.writes.length, 3);
    assert.equal(sink.writes[1], big, 'the very same Buffer');
    assert.equal(sink.corks, 1);
    assert.equal(sink.uncorks, 1);
    assert.equal(sink.bytes, `*2\r\n$${big.length}\r\n${big.toString('latin1')}\r\n:7\r\n`);
  });

  it('copies small bulk data into one write', () => {
    const w = new RespWriter();
    const small = Buffer.alloc(100, 2);
    w.bulk(small);
    w.bulk(small);
    const sink = new RecordingSink();
    w.flushTo(sink);
    assert.equal(sink.writes.length, 1);
    assert.equal(sink.corks, 0);
    small.fill(3);
    assert.ok(!sink.bytes.includes('\x03'), 'the reply holds its own copy');
  });

  it('keeps bytes already flushed intact while writing more replies', () => {
    const w = new RespWriter();
    const sink = new RecordingSink();
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      w.bulkString(`value-${i}`);
      expected.push(`$${`value-${i}`.length}\r\nvalue-${i}\r\n`);
      if (i % 7 === 0) w.flushTo(sink);
    }
    w.flushTo(sink);
    assert.equal(sink.bytes, expected.join(''));
    assert.equal(w.pendingBytes, 0);
    assert.equal(w.written, Buffer.byteLength(expected.join('')));
  });

  it('reports the sink asking to wait', () => {
    const w = new RespWriter();
    w.ok();
    const full: ReplySink = { write: () => false, cork: () => undefined, uncork: () => undefined };
    assert.equal(w.flushTo(full), false);
  });
});
