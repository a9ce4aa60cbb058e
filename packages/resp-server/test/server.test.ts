import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ModelkvServer, createServer } from '../src/server.js';
import { ErrorReply, type Reply, RespClient, Status, encodeCommand, text } from './resp-client.js';

let server: ModelkvServer;
let port: number;
const clients: RespClient[] = [];

async function connect(): Promise<RespClient> {
  const c = await RespClient.connect(port);
  clients.push(c);
  return c;
}

function errorText(r: Reply): string {
  assert.ok(r instanceof ErrorReply, `expected an error reply, got ${JSON.stringify(r)}`);
  return r.message;
}

function ok(r: Reply): void {
  assert.ok(r instanceof Status && r.text === 'OK', `expected OK, got ${r instanceof ErrorReply ? r.message : JSON.stringify(r)}`);
}

before(async () => {
  server = createServer({ port: 0 });
  ({ port } = await server.listen());
});

after(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe('server over a socket', () => {
  it('answers PING and ECHO, binary safe', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('PING'), new Status('PONG'));
    const bytes = Buffer.from([0, 255, 13, 10, 1]);
    assert.deepEqual(await c.call('ECHO', bytes), bytes);
    c.sendRaw('ping\r\n');
    assert.deepEqual(await c.read(1), [new Status('PONG')]);
  });

  it('answers pipelined commands in order', async () => {
    const c = await connect();
    const n = 300;
    const batch: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      c.send('AI.TENSORSET', `p${i}`, 'INT32', '1', 'VALUES', String(i));
      c.send('AI.TENSORGET', `p${i}`, 'VALUES');
      c.send('ECHO', `e${i}`);
      batch.push(Buffer.from(`e${i}`));
    }
    const replies = await c.read(3 * n);
    for (let i = 0; i < n; i++) {
      ok(replies[3 * i]!);
      assert.deepEqual(replies[3 * i + 1], [new Status('INT32'), [1], [i]]);
      assert.deepEqual(replies[3 * i + 2], batch[i]);
    }
  });

  it('closes only the client that broke the protocol', async () => {
    const bad = await connect();
    const good = await connect();
    bad.sendRaw('PING\r\n*1\r\n$foo\r\n');
    assert.deepEqual(await bad.read(1), [new Status('PONG')]);
    assert.equal(errorText((await bad.read(1))[0]!), 'ERR Protocol error: invalid bulk length');
    await bad.closedByServer();
    assert.deepEqual(await good.call('PING'), new Status('PONG'));
  });

  it('answers arity and unknown commands as Redis does', async () => {
    const c = await connect();
    assert.equal(errorText(await c.call('GET')), "ERR unknown command 'GET', with args beginning with: ");
    assert.equal(errorText(await c.call('foo', 'a', 'b')), "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
    assert.equal(errorText(await c.call('ECHO')), "ERR wrong number of arguments for 'echo' command");
    assert.equal(errorText(await c.call('Ping', 'a', 'b')), "ERR wrong number of arguments for 'ping' command");
    assert.equal(errorText(await c.call('CLIENT')), "ERR wrong number of arguments for 'client' command");
    assert.equal(errorText(await c.call('CONFIG', 'GET')), "ERR wrong number of arguments for 'config|get' command");
    assert.equal(errorText(await c.call('CLIENT', 'nope')), "ERR unknown subcommand 'nope'. Try CLIENT HELP.");
    // Module commands name themselves as the client typed them, as RedisAI's did.
    assert.equal(
      errorText(await c.call('AI.TensorGet', 'k', 'META', 'BLOB', 'x')),
      "ERR wrong number of arguments for 'AI.TensorGet' command",
    );
    assert.equal(errorText(await c.call('SELECT', '1')), 'ERR DB index is out of range');
    assert.equal(errorText(await c.call('SELECT', 'x')), 'ERR value is not an integer or out of range');
    const long = 'x'.repeat(200);
    assert.equal(errorText(await c.call('nope', long, 'y')), `ERR unknown command 'nope', with args beginning with: '${'x'.repeat(128)}' `);
  });

  it('round-trips every dtype by BLOB and by VALUES', async () => {
    const c = await connect();
    const cases: { dtype: string; values: string[]; blob: Buffer; expected: Reply[] }[] = [
      {
        dtype: 'FLOAT',
        values: ['1.5', '-2', '0.25'],
        blob: f32([1.5, -2, 0.25]),
        expected: [Buffer.from('1.5'), Buffer.from('-2'), Buffer.from('0.25')],
      },
      {
        dtype: 'DOUBLE',
        values: ['0.1', '1e300', '-3'],
        blob: f64([0.1, 1e300, -3]),
        expected: ['0.10000000000000001', '1.0000000000000001e+300', '-3'].map((s) => Buffer.from(s)),
      },
      { dtype: 'INT8', values: ['-128', '0', '127'], blob: Buffer.from(new Int8Array([-128, 0, 127]).buffer), expected: [-128, 0, 127] },
      {
        dtype: 'INT16',
        values: ['-32768', '1', '32767'],
        blob: Buffer.from(new Int16Array([-32768, 1, 32767]).buffer),
        expected: [-32768, 1, 32767],
      },
      {
        dtype: 'INT32',
        values: ['-2147483648', '2', '2147483647'],
        blob: Buffer.from(new Int32Array([-2147483648, 2, 2147483647]).buffer),
        expected: [-2147483648, 2, 2147483647],
      },
      {
        dtype: 'INT64',
        values: ['-9223372036854775808', '3', '9223372036854775807'],
        blob: Buffer.from(new BigInt64Array([-(2n ** 63n), 3n, 2n ** 63n - 1n]).buffer),
        expected: [-(2n ** 63n), 3, 2n ** 63n - 1n],
      },
      { dtype: 'UINT8', values: ['0', '128', '255'], blob: Buffer.from([0, 128, 255]), expected: [0, 128, 255] },
      { dtype: 'UINT16', values: ['0', '4', '65535'], blob: Buffer.from(new Uint16Array([0, 4, 65535]).buffer), expected: [0, 4, 65535] },
      { dtype: 'BOOL', values: ['1', '0', '1'], blob: Buffer.from([1, 0, 1]), expected: [1, 0, 1] },
      {
        dtype: 'STRING',
        values: ['a', 'héllo', ''],
        blob: Buffer.from('a\0héllo\0\0'),
        expected: [Buffer.from('a'), Buffer.from('héllo'), Buffer.from('')],
      },
    ];
    for (const { dtype, values, blob, expected } of cases) {
      ok(await c.call('AI.TENSORSET', `v_${dtype}`, dtype.toLowerCase(), '3', 'VALUES', ...values));
      ok(await c.call('AI.TENSORSET', `b_${dtype}`, dtype, '3', 'blob', blob));
      for (const key of [`v_${dtype}`, `b_${dtype}`]) {
        assert.deepEqual(await c.call('AI.TENSORGET', key, 'BLOB'), [new Status(dtype), [3], blob], `${key} BLOB`);
        assert.deepEqual(await c.call('AI.TENSORGET', key, 'values'), [new Status(dtype), [3], expected], `${key} VALUES`);
        assert.deepEqual(await c.call('AI.TENSORGET', key, 'META'), [new Status(dtype), [3]], `${key} META`);
      }
      assert.deepEqual(await c.call('TYPE', `b_${dtype}`), new Status('AI_TENSOR'));
    }
  });

  it('zero-fills a tensor given neither BLOB nor VALUES', async () => {
    const c = await connect();
    ok(await c.call('AI.TENSORSET', 'z', 'INT16', '2', '3'));
    assert.deepEqual(await c.call('AI.TENSORGET', 'z', 'BLOB'), [new Status('INT16'), [2, 3], Buffer.alloc(12)]);
  });

  it('round-trips a multi-megabyte tensor byte for byte', async () => {
    const c = await connect();
    const blob = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < blob.length; i += 4) blob.writeFloatLE(i / 3, i);
    ok(await c.call('AI.TENSORSET', 'big', 'FLOAT', '3', String(blob.length / 12), 'BLOB', blob));
    const [, shape, data] = (await c.call('AI.TENSORGET', 'big', 'BLOB')) as Reply[];
    assert.deepEqual(shape, [3, blob.length / 12]);
    assert.ok(blob.equals(data as Buffer));
  });

  it('reads a bulk arriving in uneven pieces, and the commands right after it', async () => {
    const c = await connect();
    const blob = pattern(3 * 1024 * 1024 + 7, 1);
    const frame = Buffer.concat([
      encodeCommand(['AI.TENSORSET', 'spread', 'UINT8', String(blob.length), 'BLOB', blob]),
      encodeCommand(['ECHO', 'after']),
      encodeCommand(['AI.TENSORGET', 'spread', 'META']),
    ]);
    const sizes = [1, 13, 4000, 70_000, 300_000, 65_536];
    for (let off = 0, i = 0; off < frame.length; i++) {
      const n = sizes[i % sizes.length]!;
      c.sendRaw(frame.subarray(off, off + n));
      off += n;
      // Let the server read some pieces on their own.
      if (i % 2 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const [set, echo, meta] = await c.read(3);
    ok(set!);
    assert.equal(text(echo!), 'after');
    assert.deepEqual(meta, [new Status('UINT8'), [blob.length]]);
    const [, , data] = (await c.call('AI.TENSORGET', 'spread', 'BLOB')) as Reply[];
    assert.ok(blob.equals(data as Buffer));
  });

  it('answers commands pipelined after a long bulk in the same write', async () => {
    const c = await connect();
    const long = pattern(40 * 1024, 2);
    const short = pattern(1024, 3);
    const echoed = pattern(20 * 1024, 4);
    c.sendRaw(
      Buffer.concat([
        encodeCommand(['AI.TENSORSET', 't40', 'UINT8', String(long.length), 'BLOB', long]),
        encodeCommand(['AI.TENSORSET', 't1', 'UINT8', String(short.length), 'BLOB', short]),
        encodeCommand(['ECHO', echoed]),
        encodeCommand(['PING']),
        encodeCommand(['AI.TENSORGET', 't40', 'BLOB']),
        encodeCommand(['AI.TENSORGET', 't1', 'BLOB']),
      ]),
    );
    const [set40, set1, echo, pong, get40, get1] = await c.read(6);
    ok(set40!);
    ok(set1!);
    assert.ok(echoed.equals(echo as Buffer));
    assert.deepEqual(pong, new Status('PONG'));
    assert.deepEqual(get40, [new Status('UINT8'), [long.length], long]);
    assert.deepEqual(get1, [new Status('UINT8'), [short.length], short]);
  });

  it('echoes long arguments intact while its replies queue', async () => {
    const c = await connect();
    const n = 400;
    c.socket.pause();
    for (let i = 0; i < n; i += 20) {
      c.sendRaw(Buffer.concat(Array.from({ length: 20 }, (_, j) => encodeCommand(['ECHO', pattern(24 * 1024, i + j)]))));
      await new Promise((r) => setTimeout(r, 1));
    }
    c.socket.resume();
    const replies = await c.read(n);
    for (let i = 0; i < n; i++) assert.ok(pattern(24 * 1024, i).equals(replies[i] as Buffer), `reply ${i}`);
  });

  it('answers bad tensor input with ERR and keeps serving', async () => {
    const c = await connect();
    const err = async (...args: string[]): Promise<string> => errorText(await c.call(...args));
    // RedisAI 0.9's exact words, which clients match on.
    assert.equal(await err('AI.TENSORSET', 't', 'FLOAT16', '1'), 'ERR invalid data type');
    assert.equal(await err('AI.TENSORSET', 't', 'FLOAT', '-1'), 'ERR invalid or negative value found in tensor shape');
    assert.equal(await err('AI.TENSORSET', 't', 'FLOAT', 'two'), 'ERR invalid or negative value found in tensor shape');
    assert.equal(await err('AI.TENSORSET', 't', 'FLOAT', '2', 'BLOB', 'abc'), 'ERR data length does not match tensor shape and type');
    assert.equal(await err('AI.TENSORSET', 't', 'FLOAT', '2', 'BLOB'), "ERR wrong number of arguments for 'AI.TENSORSET' command");
    assert.equal(await err('AI.TENSORSET', 't', 'INT8', '1', 'VALUES', '300'), 'ERR invalid value');
    assert.equal(await err('AI.TENSORSET', 't', 'UINT8', '2', 'VALUES', '1'), "ERR wrong number of arguments for 'AI.TENSORSET' command");
    assert.equal(await err('AI.TENSORSET', 't', 'INT32', '1', 'VALUES', '1.5'), 'ERR invalid value');
    assert.equal(await err('AI.TENSORGET', 'missing', 'BLOB'), 'ERR cannot get tensor from empty key');
    ok(await c.call('AI.TENSORSET', 'ok', 'FLOAT', '1'));
    assert.equal(await err('AI.TENSORGET', 'ok', 'JSON'), 'ERR unsupported data format');
    assert.match(await err('AI.MODELGET', 'ok'), /^WRONGTYPE Operation against a key holding the wrong kind of value/);
    assert.deepEqual(await c.call('PING'), new Status('PONG'));
  });

  it('speaks RESP3 after HELLO 3', async () => {
    const c = await connect();
    const hello = (await c.call('HELLO', '3')) as Map<string, Reply>;
    assert.ok(hello instanceof Map);
    assert.equal(hello.get('proto'), 3);
    assert.equal(text(hello.get('server')!), 'modelkv');
    ok(await c.call('AI.TENSORSET', 'r3', 'DOUBLE', '2', 'VALUES', '0.5', 'inf'));
    assert.deepEqual(await c.call('AI.TENSORGET', 'r3', 'VALUES'), [new Status('DOUBLE'), [2], [0.5, Infinity]]);
    assert.equal(await c.call('CLIENT', 'GETNAME'), null);
    assert.equal(errorText(await c.call('HELLO', '4')), 'NOPROTO unsupported protocol version');
    assert.equal(
      errorText(await c.call('HELLO', '3', 'AUTH', 'someone', 'pw')),
      'WRONGPASS invalid username-password pair or user is disabled.',
    );
    const again = (await c.call('HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'me')) as Reply[];
    assert.ok(Array.isArray(again));
    assert.deepEqual(await c.call('CLIENT', 'GETNAME'), Buffer.from('me'));
  });

  it('derives COMMAND replies from the command table', async () => {
    const c = await connect();
    assert.equal(await c.call('COMMAND', 'COUNT'), server.commands.size);
    const [info] = (await c.call('COMMAND', 'INFO', 'ai.tensorget')) as Reply[][];
    assert.deepEqual(info!.slice(0, 6), [Buffer.from('ai.tensorget'), -2, [new Status('readonly'), new Status('module')], 1, 1, 1]);
    assert.deepEqual(await c.call('COMMAND', 'INFO', 'nope'), [null]);
    const all = (await c.call('COMMAND')) as Reply[];
    assert.equal(all.length, server.commands.size);
    const docs = (await c.call('COMMAND', 'DOCS', 'ping')) as Reply[];
    assert.equal(text(docs[0]!), 'ping');
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'EXISTS', 'a', 'b'), [Buffer.from('a'), Buffer.from('b')]);
  });

  it('answers COMMAND GETKEYS and GETKEYSANDFLAGS from the key specs, with Redis errors', async () => {
    const c = await connect();
    const b = (...words: string[]): Buffer[] => words.map((w) => Buffer.from(w));
    const st = (...words: string[]): Status[] => words.map((w) => new Status(w));
    assert.deepEqual(
      await c.call('COMMAND', 'GETKEYS', 'AI.SCRIPTRUN', 's', 'fn', 'INPUTS', 'a', 'b', 'OUTPUTS', 'c'),
      b('s', 'a', 'b', 'c'),
    );
    assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'ai.modelrun', 'm', 'inputs', 'a', 'outputs', 'c'), [
      [Buffer.from('m'), st('RO', 'access')],
      [Buffer.from('a'), st('RO', 'access')],
      [Buffer.from('c'), st('OW', 'update')],
    ]);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'DEL', 'x'), [[Buffer.from('x'), st('RM', 'delete')]]);
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'NOPE', 'a')), 'ERR Invalid command specified');
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'CONFIG', 'NOPE')), 'ERR Invalid command specified');
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'PING', 'a', 'b')), 'ERR The command has no key arguments');
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'AI.CONFIG', 'LOADBACKEND')), 'ERR The command has no key arguments');
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'AI.TENSORGET')), 'ERR Invalid number of arguments specified for command');
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS', 'TYPE')), 'ERR Invalid number of arguments specified for command');
    assert.equal(
      errorText(await c.call('COMMAND', 'GETKEYS', 'AI.MODELRUN', 'm', 'INPUTS', 'a', 'c')),
      'ERR Invalid arguments specified for command',
    );
    assert.equal(errorText(await c.call('COMMAND', 'GETKEYS')), "ERR wrong number of arguments for 'command|getkeys' command");
  });

  it('prints key specs, the legacy range and movablekeys in COMMAND INFO, key arguments in COMMAND DOCS', async () => {
    const c = await connect();
    const bulk = (w: string): Buffer => Buffer.from(w);
    const [run] = (await c.call('COMMAND', 'INFO', 'ai.modelrun')) as Reply[][];
    assert.deepEqual(run!.slice(0, 6), [
      Buffer.from('ai.modelrun'),
      -4,
      [new Status('write'), new Status('denyoom'), new Status('module'), new Status('movablekeys')],
      1,
      1,
      1,
    ]);
    assert.deepEqual(run![8], [
      [
        bulk('flags'),
        [new Status('RO'), new Status('access')],
        bulk('begin_search'),
        [bulk('type'), bulk('index'), bulk('spec'), [bulk('index'), 1]],
        bulk('find_keys'),
        [bulk('type'), bulk('range'), bulk('spec'), [bulk('lastkey'), 0, bulk('keystep'), 1, bulk('limit'), 0]],
      ],
      [
        bulk('notes'),
        bulk('The keys between INPUTS and OUTPUTS.'),
        bulk('flags'),
        [new Status('RO'), new Status('access'), new Status('incomplete')],
        bulk('begin_search'),
        [bulk('type'), bulk('keyword'), bulk('spec'), [bulk('keyword'), bulk('INPUTS'), bulk('startfrom'), 2]],
        bulk('find_keys'),
        [bulk('type'), bulk('unknown'), bulk('spec'), []],
      ],
      [
        bulk('flags'),
        [new Status('OW'), new Status('update')],
        bulk('begin_search'),
        [bulk('type'), bulk('keyword'), bulk('spec'), [bulk('keyword'), bulk('OUTPUTS'), bulk('startfrom'), 3]],
        bulk('find_keys'),
        [bulk('type'), bulk('range'), bulk('spec'), [bulk('lastkey'), -1, bulk('keystep'), 1, bulk('limit'), 0]],
      ],
    ]);
    const [del] = (await c.call('COMMAND', 'INFO', 'del')) as Reply[][];
    assert.deepEqual(del!.slice(3, 6), [1, -1, 1]);
    const [, runDocs] = (await c.call('COMMAND', 'DOCS', 'ai.scriptrun')) as Reply[];
    const docs = runDocs as Reply[];
    assert.deepEqual(docs.filter((_, i) => i % 2 === 0).map(text), ['summary', 'since', 'group', 'module', 'arguments']);
    const args = docs[9] as Reply[][];
    assert.deepEqual(
      args.map((a) => [text(a[1]!), text(a[3]!)]),
      [
        ['key', 'key'],
        ['function', 'string'],
        ['timeout', 'integer'],
        ['input', 'key'],
        ['output', 'key'],
      ],
    );
    assert.deepEqual(args[3], [
      bulk('name'),
      bulk('input'),
      bulk('type'),
      bulk('key'),
      bulk('key_spec_index'),
      1,
      bulk('token'),
      bulk('INPUTS'),
      bulk('flags'),
      [new Status('multiple')],
      bulk('display_text'),
      bulk('input'),
    ]);
    const [ping] = (await c.call('COMMAND', 'INFO', 'ping')) as Reply[][];
    assert.deepEqual([...ping!.slice(3, 6), ping![8]], [0, 0, 0, []]);
  });

  it('reports keys, clients and config', async () => {
    const c = await connect();
    ok(await c.call('FLUSHALL'));
    assert.equal(await c.call('DBSIZE'), 0);
    assert.ok(!text(await c.call('INFO', 'keyspace')).includes('db0'));
    for (const k of ['a1', 'a2', 'b1']) ok(await c.call('AI.TENSORSET', k, 'UINT8', '1'));
    assert.equal(await c.call('DBSIZE'), 3);
    assert.match(text(await c.call('INFO', 'keyspace')), /db0:keys=3,expires=0,avg_ttl=0/);
    assert.deepEqual(((await c.call('KEYS', 'a*')) as Buffer[]).map(String).sort(), ['a1', 'a2']);
    assert.equal(await c.call('EXISTS', 'a1', 'a1', 'zz'), 2);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = (await c.call('SCAN', cursor, 'COUNT', '1', 'MATCH', '*1')) as [Buffer, Buffer[]];
      cursor = next.toString();
      for (const k of keys) seen.add(k.toString());
    } while (cursor !== '0');
    assert.deepEqual([...seen].sort(), ['a1', 'b1']);
    const [, typed] = (await c.call('SCAN', '0', 'TYPE', 'string')) as [Buffer, Buffer[]];
    assert.deepEqual(typed, []);
    assert.equal(errorText(await c.call('SCAN', 'x')), 'ERR invalid cursor');
    assert.equal(await c.call('DEL', 'a1', 'nope'), 1);
    assert.equal(await c.call('UNLINK', 'a2'), 1);
    assert.deepEqual(await c.call('TYPE', 'a2'), new Status('none'));
    ok(await c.call('CLIENT', 'SETNAME', 'tester'));
    const list = text(await c.call('CLIENT', 'LIST'));
    assert.match(list, /name=tester .*cmd=client\|list/);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), [Buffer.from('save'), Buffer.from('')]);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'appendonly'), [Buffer.from('appendonly'), Buffer.from('no')]);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), [Buffer.from('port'), Buffer.from(String(port))]);
    assert.match(errorText(await c.call('CONFIG', 'SET', 'port', '1')), /can't set immutable config/);
    ok(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '2mb'));
    assert.deepEqual(await c.call('CONFIG', 'GET', 'proto-max-bulk-len'), [
      Buffer.from('proto-max-bulk-len'),
      Buffer.from(String(2 * 1024 * 1024)),
    ]);
    const big = await connect();
    big.sendRaw(`*1\r\n$${2 * 1024 * 1024 + 1}\r\n`);
    assert.equal(errorText((await big.read(1))[0]!), 'ERR Protocol error: invalid bulk length');
    ok(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb'));
    assert.match(text(await c.call('INFO')), /# Server\r\n.*# Backends\r\nbackends_loaded:0/s);
  });

  it('closes the connection after QUIT', async () => {
    const c = await connect();
    c.send('QUIT');
    c.send('PING');
    assert.deepEqual(await c.read(1), [new Status('OK')]);
    await c.closedByServer();
  });

  it('holds a long bulk in progress while a client does not read, then completes it', async () => {
    const c = await connect();
    const mib = Buffer.alloc(1024 * 1024, 5);
    ok(await c.call('AI.TENSORSET', 'mib2', 'UINT8', String(mib.length), 'BLOB', mib));
    const blob = pattern(5 * 1024 * 1024, 6);
    c.socket.pause();
    for (let i = 0; i < 24; i++) c.send('AI.TENSORGET', 'mib2', 'BLOB');
    c.send('AI.TENSORSET', 'late', 'UINT8', String(blob.length), 'BLOB', blob);
    c.send('AI.TENSORGET', 'late', 'BLOB');
    await new Promise((r) => setTimeout(r, 50));
    c.socket.resume();
    const replies = await c.read(26);
    for (const r of replies.slice(0, 24)) assert.ok(mib.equals((r as Reply[])[2] as Buffer));
    ok(replies[24]!);
    assert.ok(blob.equals((replies[25] as Reply[])[2] as Buffer));
  });

  it('stops reading from a client whose replies are not read, then catches up', async () => {
    const c = await connect();
    const watcher = await connect();
    const mib = Buffer.alloc(1024 * 1024, 9);
    ok(await c.call('AI.TENSORSET', 'mib', 'UINT8', String(mib.length), 'BLOB', mib));
    const n = 96;
    c.socket.pause();
    for (let i = 0; i < n; i++) c.send('AI.TENSORGET', 'mib', 'BLOB');
    // With the reader paused, the server must stop executing this client's commands once the
    // socket is full: some requests stay unread in its query buffer.
    let held = false;
    for (let attempt = 0; attempt < 200 && !held; attempt++) {
      const list = text(await watcher.call('CLIENT', 'LIST', 'ID', String(await idOf(c, watcher))));
      const qbuf = Number(/qbuf=(\d+)/.exec(list)?.[1]);
      const omem = Number(/omem=(\d+)/.exec(list)?.[1]);
      held = qbuf > 0 && omem > 0;
      if (!held) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(held, 'the server held back the unread client');
    c.socket.resume();
    const replies = await c.read(n);
    for (const r of replies) assert.ok(mib.equals((r as Reply[])[2] as Buffer));
  });
});

const ids = new WeakMap<RespClient, number>();
/** The server-side id of a client, found once through CLIENT LIST before it was paused. */
async function idOf(c: RespClient, watcher: RespClient): Promise<number> {
  const known = ids.get(c);
  if (known !== undefined) return known;
  const port = c.socket.localPort;
  const list = text(await watcher.call('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => l.includes(`addr=127.0.0.1:${port} `));
  const id = Number(/id=(\d+)/.exec(line ?? '')?.[1]);
  ids.set(c, id);
  return id;
}

/** Bytes that differ from offset to offset and from seed to seed. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

function f32(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

function f64(values: number[]): Buffer {
  return Buffer.from(new Float64Array(values).buffer);
}
