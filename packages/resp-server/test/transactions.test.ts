import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelkvServer } from '../src/server.js';
import { type GatedServer, startGatedServer } from './gated-backend.js';
import { ErrorReply, type Reply, type RespClient, Status, text } from './resp-client.js';

let started: GatedServer;
let server: ModelkvServer;
let dir: string;
let gated: GatedServer['gated'];

function connect(): Promise<RespClient> {
  return started.connect();
}

function errorText(r: Reply): string {
  assert.ok(r instanceof ErrorReply, `expected an error reply, got ${JSON.stringify(r)}`);
  return r.message;
}

/** Waits until `done()` holds, checking every few milliseconds; fails after 2,000 checks. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i === 2000) assert.fail(`this never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const OK = new Status('OK');
const QUEUED = new Status('QUEUED');

before(async () => {
  started = await startGatedServer('modelkv-tx-test-', (d) => ({
    port: 0,
    // Two runs at once on the CPU queue: a gated run of one client does not stall another's.
    threadsPerQueue: 2,
    config: [
      ['dir', d],
      ['appendonly', 'yes'],
      ['appendfsync', 'always'],
      ['enable-debug-command', 'yes'],
    ],
  }));
  ({ server, dir, gated } = started);
});

after(() => started.close());

describe('MULTI / EXEC / WATCH', () => {
  it('queues commands and answers them in one array', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('AI.TENSORSET', 'tx:a', 'INT8', '2', 'VALUES', '1', '2'), QUEUED);
    assert.deepEqual(await c.call('AI.TENSORGET', 'tx:a', 'VALUES'), QUEUED);
    assert.deepEqual(await c.call('AI.TENSORGET', 'tx:missing', 'VALUES'), QUEUED);
    const r = await c.call('EXEC');
    assert.ok(Array.isArray(r) && r.length === 3);
    assert.deepEqual(r[0], OK);
    assert.deepEqual(r[1], [new Status('INT8'), [2], [1, 2]]);
    assert.match(errorText(r[2]!), /cannot get tensor from empty key/);
    assert.equal(errorText(await c.call('EXEC')), 'ERR EXEC without MULTI');
    assert.equal(errorText(await c.call('DISCARD')), 'ERR DISCARD without MULTI');
  });

  it('refuses nesting and WATCH inside MULTI without dooming the transaction', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.equal(errorText(await c.call('MULTI')), 'ERR MULTI calls can not be nested');
    assert.equal(errorText(await c.call('WATCH', 'k')), 'ERR WATCH inside MULTI is not allowed');
    assert.deepEqual(await c.call('PING'), QUEUED);
    assert.deepEqual(await c.call('EXEC'), [new Status('PONG')]);
  });

  it('an unknown command, a wrong arity or a command not allowed inside MULTI doom it: EXECABORT', async () => {
    const c = await connect();
    for (const bad of [['NOSUCH', 'x'], ['AI.TENSORGET'], ['SAVE']]) {
      assert.deepEqual(await c.call('MULTI'), OK);
      assert.deepEqual(await c.call('AI.TENSORSET', 'tx:never', 'INT8', '1'), QUEUED);
      const refused = errorText(await c.call(...bad));
      if (bad[0] === 'SAVE') assert.equal(refused, 'ERR Command not allowed inside a transaction');
      assert.equal(errorText(await c.call('EXEC')), 'EXECABORT Transaction discarded because of previous errors.');
    }
    assert.equal(await c.call('EXISTS', 'tx:never'), 0);
  });

  it('DISCARD drops the queue', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('AI.TENSORSET', 'tx:discarded', 'INT8', '1'), QUEUED);
    assert.deepEqual(await c.call('DISCARD'), OK);
    assert.equal(await c.call('EXISTS', 'tx:discarded'), 0);
  });

  it('WATCH: a change by another client, a run output or FLUSHALL aborts EXEC with a null reply', async () => {
    const a = await connect();
    const b = await connect();
    assert.deepEqual(await b.call('AI.MODELSET', 'w:m', 'ONNX', 'CPU', 'BLOB', 'double'), OK);
    const attempt = async (change: () => Promise<void>, keys = ['w:x', 'w:y']): Promise<Reply> => {
      assert.deepEqual(await a.call('AI.TENSORSET', 'w:x', 'FLOAT', '1', 'VALUES', '3'), OK);
      assert.deepEqual(await a.call('WATCH', ...keys), OK);
      await change();
      assert.deepEqual(await a.call('MULTI'), OK);
      assert.deepEqual(await a.call('AI.TENSORSET', 'w:z', 'INT8', '1'), QUEUED);
      return a.call('EXEC');
    };
    assert.deepEqual(await attempt(() => Promise.resolve()), [OK]);
    assert.equal(
      await attempt(async () => {
        assert.deepEqual(await b.call('AI.TENSORSET', 'w:x', 'FLOAT', '1', 'VALUES', '4'), OK);
      }),
      null,
    );
    assert.equal(
      await attempt(async () => {
        assert.deepEqual(await b.call('AI.MODELRUN', 'w:m', 'INPUTS', 'w:x', 'OUTPUTS', 'w:y'), OK);
      }),
      null,
    );
    assert.equal(
      await attempt(async () => {
        assert.deepEqual(await b.call('FLUSHALL'), OK);
      }),
      null,
    );
    // FLUSHALL changes only keys that exist; UNWATCH forgets the keys.
    assert.deepEqual(
      await attempt(async () => {
        assert.deepEqual(await b.call('FLUSHALL'), OK);
      }, ['w:never']),
      [OK],
    );
    assert.deepEqual(
      await attempt(async () => {
        assert.deepEqual(await a.call('UNWATCH'), OK);
        assert.deepEqual(await b.call('AI.TENSORSET', 'w:x', 'FLOAT', '1', 'VALUES', '5'), OK);
      }),
      [OK],
    );
    assert.deepEqual(
      await attempt(async () => {
        assert.deepEqual(await a.call('DEL', 'w:x'), 1);
      }),
      null,
      'a change by the watching client itself counts too',
    );
  });

  it('a run inside EXEC: others wait until EXEC replies, and the file gets the transaction whole', async () => {
    const a = await connect();
    const b = await connect();
    assert.deepEqual(await b.call('AI.MODELSET', 'g:m', 'ONNX', 'CPU', 'BLOB', 'gated'), OK);
    assert.deepEqual(await b.call('AI.TENSORSET', 'g:x', 'FLOAT', '1', 'VALUES', '3'), OK);
    assert.deepEqual(await a.call('MULTI'), OK);
    assert.deepEqual(await a.call('AI.MODELRUN', 'g:m', 'INPUTS', 'g:x', 'OUTPUTS', 'g:y'), QUEUED);
    assert.deepEqual(await a.call('AI.TENSORGET', 'g:y', 'VALUES'), QUEUED);
    assert.deepEqual(await a.call('AI.TENSORSET', 'g:done', 'INT8', '1'), QUEUED);
    const order: string[] = [];
    const exec = a.read(1).then((r) => {
      order.push('exec');
      return r[0]!;
    });
    a.send('EXEC');
    await new Promise((r) => setTimeout(r, 50));
    b.send('AI.TENSORSET', 'g:x', 'FLOAT', '1', 'VALUES', '100');
    const other = b.read(1).then((r) => {
      order.push('other');
      return r[0]!;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(order, [], 'nothing answered while the run waits');
    gated.open();
    assert.deepEqual(await exec, [OK, [new Status('FLOAT'), [1], [Buffer.from('6')]], OK]);
    assert.deepEqual(await other, OK);
    assert.deepEqual(order.sort(), ['exec', 'other']);
    const incr = readdirSync(join(dir, 'appendonlydir')).find((f) => f.endsWith('.incr.aof'))!;
    const file = readFileSync(join(dir, 'appendonlydir', incr), 'latin1');
    const block = /\*1\r\n\$5\r\nMULTI\r\n(.*?)\*1\r\n\$4\r\nEXEC\r\n/s.exec(file.slice(file.lastIndexOf('g:m')));
    assert.ok(block, 'a MULTI ... EXEC block follows');
    assert.deepEqual(
      [...block[1]!.matchAll(/AI\.TENSORSET\r\n\$\d+\r\n([^\r]+)/g)].map((m) => m[1]),
      ['g:y', 'g:done'],
    );
    // The other client's write went in after the transaction, not during it.
    const after = file.slice(file.lastIndexOf('g:m'));
    assert.ok(after.lastIndexOf('$3\r\ng:x\r\n') > after.indexOf('EXEC'), 'the held write follows the transaction');
  });

  it("another client's run in flight does not hold EXEC up", async () => {
    const a = await connect();
    const b = await connect();
    assert.deepEqual(await b.call('AI.MODELSET', 'f:slow', 'ONNX', 'CPU', 'BLOB', 'gated'), OK);
    assert.deepEqual(await b.call('AI.MODELSET', 'f:fast', 'ONNX', 'CPU', 'BLOB', 'double'), OK);
    assert.deepEqual(await b.call('AI.TENSORSET', 'f:x', 'FLOAT', '1', 'VALUES', '2'), OK);
    const slow = b.call('AI.MODELRUN', 'f:slow', 'INPUTS', 'f:x', 'OUTPUTS', 'f:slow:out');
    assert.deepEqual(await a.call('MULTI'), OK);
    assert.deepEqual(await a.call('AI.MODELRUN', 'f:fast', 'INPUTS', 'f:x', 'OUTPUTS', 'f:y'), QUEUED);
    assert.deepEqual(await a.call('EXEC'), [OK]);
    gated.open();
    assert.deepEqual(await slow, OK);
  });

  it('a client that leaves during EXEC does not stop its transaction: every queued run runs', async () => {
    const a = await connect();
    const b = await connect();
    assert.deepEqual(await b.call('AI.MODELSET', 'lv:m', 'ONNX', 'CPU', 'BLOB', 'gated'), OK);
    assert.deepEqual(await b.call('AI.TENSORSET', 'lv:x', 'FLOAT', '1', 'VALUES', '5'), OK);
    assert.deepEqual(await a.call('MULTI'), OK);
    assert.deepEqual(await a.call('AI.MODELRUN', 'lv:m', 'INPUTS', 'lv:x', 'OUTPUTS', 'lv:y'), QUEUED);
    assert.deepEqual(await a.call('AI.MODELRUN', 'lv:m', 'INPUTS', 'lv:x', 'OUTPUTS', 'lv:z'), QUEUED);
    const dropped = server.engine.runCounters.dropped;
    const running = (): boolean => server.engine.queueStats().some((q) => q.name === 'ONNX:CPU' && q.running > 0);
    const connected = [...server.clients()].length;
    a.send('EXEC');
    await until(running, 'the first run starts');
    a.close();
    await until(() => [...server.clients()].length === connected - 1, 'the client is gone');
    gated.open();
    await until(() => server.engine.exists('lv:y'), 'the first run stores its output');
    await until(running, 'the second run starts');
    gated.open();
    assert.equal(await b.call('EXISTS', 'lv:y', 'lv:z'), 2);
    assert.equal(server.engine.runCounters.dropped, dropped);
  });

  it('commandstats count a queued command when EXEC runs it, as Redis does', async () => {
    const c = await connect();
    const other = await connect();
    const stats = async (): Promise<Map<string, string>> => {
      const lines = text(await other.call('INFO', 'commandstats')).split('\r\n');
      return new Map(lines.filter((l) => l.startsWith('cmdstat_')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
    };
    const counts = (v: string | undefined): string => (v ?? '').replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
    assert.deepEqual(await c.call('AI.MODELSET', 'cs:m', 'ONNX', 'CPU', 'BLOB', 'double'), OK);
    assert.deepEqual(await c.call('CONFIG', 'RESETSTAT'), OK);
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('AI.TENSORSET', 'cs:x', 'FLOAT', '1', 'VALUES', '2'), QUEUED);
    assert.deepEqual(await c.call('AI.MODELRUN', 'cs:m', 'INPUTS', 'cs:x', 'OUTPUTS', 'cs:y'), QUEUED);
    assert.deepEqual(await c.call('AI.TENSORGET', 'cs:missing', 'VALUES'), QUEUED);
    const queued = await stats();
    assert.equal(queued.has('cmdstat_ai.tensorset'), false, 'a queued command is not counted yet');
    assert.equal(counts(queued.get('cmdstat_multi')), 'calls=1,rejected_calls=0,failed_calls=0');
    const r = await c.call('EXEC');
    assert.ok(Array.isArray(r) && r.length === 3);
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.match(errorText(await c.call('AI.TENSORGET')), /wrong number of arguments/);
    assert.match(errorText(await c.call('EXEC')), /^EXECABORT/);
    const done = await stats();
    assert.equal(counts(done.get('cmdstat_multi')), 'calls=2,rejected_calls=0,failed_calls=0');
    assert.equal(counts(done.get('cmdstat_exec')), 'calls=2,rejected_calls=0,failed_calls=1');
    assert.equal(counts(done.get('cmdstat_ai.tensorset')), 'calls=1,rejected_calls=0,failed_calls=0');
    assert.equal(counts(done.get('cmdstat_ai.modelrun')), 'calls=1,rejected_calls=0,failed_calls=0');
    assert.equal(counts(done.get('cmdstat_ai.tensorget')), 'calls=1,rejected_calls=1,failed_calls=1');
  });

  it('CLIENT LIST shows a client inside MULTI', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('PING'), QUEUED);
    const other = await connect();
    const list = text(await other.call('CLIENT', 'LIST'));
    assert.match(list, /flags=x .*multi=1 /);
    assert.deepEqual(await c.call('DISCARD'), OK);
  });
});

describe('persistence commands', () => {
  it('SAVE, BGSAVE, LASTSAVE and INFO persistence', async () => {
    const c = await connect();
    const before = await c.call('LASTSAVE');
    assert.equal(typeof before, 'number');
    assert.deepEqual(await c.call('SAVE'), OK);
    assert.ok(readdirSync(dir).includes('dump.rdb'));
    assert.deepEqual(await c.call('BGSAVE'), new Status('Background saving started'));
    let info = '';
    for (let i = 0; i < 100; i++) {
      info = text(await c.call('INFO', 'persistence'));
      if (info.includes('rdb_bgsave_in_progress:0')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(info, /rdb_bgsave_in_progress:0\r\n/);
    assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
    assert.match(info, /aof_enabled:1\r\n/);
    assert.match(info, /aof_last_write_status:ok\r\n/);
    assert.match(info, /rdb_changes_since_last_save:0\r\n/);
    assert.deepEqual(await c.call('BGREWRITEAOF'), new Status('Background append only file rewriting started'));
    assert.equal(errorText(await c.call('BGSAVE', 'NOW')), 'ERR syntax error');
    // The next test reads the file's size: the rewrite must be over by then.
    for (let i = 0; i < 500; i++) {
      info = text(await c.call('INFO', 'persistence'));
      if (info.includes('aof_rewrite_in_progress:0')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(info, /aof_rewrite_in_progress:0\r\n/);
  });

  it('DEBUG RELOAD keeps the data; the file does not grow from it', async () => {
    const c = await connect();
    assert.deepEqual(await c.call('AI.TENSORSET', 'r:a', 'INT16', '2', 'VALUES', '-1', '7'), OK);
    const sizeOf = (info: string): number => Number(/aof_current_size:(\d+)/.exec(info)![1]);
    const size = sizeOf(text(await c.call('INFO', 'persistence')));
    assert.deepEqual(await c.call('DEBUG', 'RELOAD'), OK);
    assert.deepEqual(await c.call('AI.TENSORGET', 'r:a', 'VALUES'), [new Status('INT16'), [2], [-1, 7]]);
    assert.equal(sizeOf(text(await c.call('INFO', 'persistence'))), size);
    assert.match(errorText(await c.call('DEBUG', 'SLEEP', '0')), /^ERR unknown subcommand 'SLEEP'/);
  });

  it('CONFIG GET and SET the persistence parameters', async () => {
    const c = await connect();
    const get = async (name: string): Promise<string> => {
      const r = await c.call('CONFIG', 'GET', name);
      assert.ok(Array.isArray(r));
      return text(r[1]!);
    };
    assert.equal(await get('appendonly'), 'yes');
    assert.equal(await get('appendfsync'), 'always');
    assert.equal(await get('dir'), dir);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'save', '900 1 300 10'), OK);
    assert.equal(await get('save'), '900 1 300 10');
    assert.match(errorText(await c.call('CONFIG', 'SET', 'save', '900')), /Invalid save parameters/);
    assert.match(errorText(await c.call('CONFIG', 'SET', 'appendfsync', 'sometimes')), /must be one of/);
    assert.match(errorText(await c.call('CONFIG', 'SET', 'appendfilename', 'x.aof')), /can't set immutable config/);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'save', ''), OK);
  });
});
