// INFO commandstats and latencystats, CONFIG SET latency-tracking[-info-percentiles] and CONFIG
// RESETSTAT, through Debian's redis-cli and redis-py, in the formats Redis 7 gives them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliFor, errorOf } from '../src/cli-calls.js';
import { useServer } from '../src/file-server.js';
import { redisCli, redisPy } from '../src/harness.js';
import { CMDSTAT_VALUE, type InfoText, fieldsWithPrefix, numbersOf, parseInfo } from '../src/info-text.js';

const server = useServer();
const cli = cliFor(server);

/** redis-cli prints INFO's text as it is (raw), whatever the output mode. */
async function info(...sections: string[]): Promise<InfoText> {
  const r = await redisCli(server.port, ['INFO', ...sections]);
  assert.equal(r.code, 0, r.stderr);
  return parseInfo(r.stdout);
}

async function ok(args: string[]): Promise<void> {
  assert.deepEqual(await cli(args), { status: 'OK' }, args.join(' '));
}

/** `p50=1.003,p99=...` checked for Redis's `%.3f` values in order, as a map. */
function percentiles(value: string, names: readonly string[]): Map<string, number> {
  const got = numbersOf(value);
  assert.deepEqual([...got.keys()], names, value);
  for (const part of value.split(',')) assert.match(part, /^p[\d.]+=\d+\.\d{3}$/, value);
  const values = [...got.values()];
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]!, `percentiles ascend: ${value}`);
  return got;
}

describe('redis-cli: INFO commandstats and latencystats', () => {
  test('calls, failed calls and rejected calls per command and subcommand, as Redis 7 counts them', async () => {
    await ok(['CONFIG', 'RESETSTAT']);
    for (let i = 0; i < 3; i++) assert.deepEqual(await cli(['PING']), { status: 'PONG' });
    await ok(['AI.TENSORSET', 't', 'FLOAT', '2', 'VALUES', '1', '2']);
    await ok(['AI.TENSORSET', 't', 'FLOAT', '1', 'VALUES', '3']);
    assert.match(errorOf(await cli(['AI.TENSORSET', 't', 'FLOAT', '2', 'VALUES', '1'])) ?? '', /^ERR /, 'fails while running');
    assert.match(errorOf(await cli(['AI.TENSORGET'])) ?? '', /^ERR wrong number of arguments/, 'rejected: arity');
    assert.match(errorOf(await cli(['CONFIG', 'GET'])) ?? '', /^ERR wrong number of arguments for 'config\|get'/);
    assert.match(errorOf(await cli(['CONFIG', 'NOPE'])) ?? '', /^ERR unknown subcommand/, 'no command: not counted');
    assert.match(errorOf(await cli(['NOSUCHCOMMAND'])) ?? '', /^ERR unknown command/, 'no command: not counted');

    const stats = await info('commandstats');
    assert.deepEqual(stats.sections, ['Commandstats']);
    const byName = fieldsWithPrefix(stats, 'cmdstat_');
    assert.deepEqual([...byName.keys()].sort(), ['ai.tensorget', 'ai.tensorset', 'config|get', 'config|resetstat', 'ping']);
    const counts = new Map<string, [number, number, number]>();
    for (const [name, value] of byName) {
      const m = CMDSTAT_VALUE.exec(value);
      assert.ok(m, `cmdstat_${name}:${value}`);
      const [calls, usec, perCall] = [Number(m[1]), Number(m[2]), m[3]];
      assert.equal(perCall, (calls === 0 ? 0 : usec / calls).toFixed(2), `usec_per_call of ${name} is usec / calls`);
      counts.set(name, [calls, Number(m[4]), Number(m[5])]);
    }
    assert.deepEqual(Object.fromEntries(counts), {
      ping: [3, 0, 0],
      'ai.tensorset': [3, 0, 1],
      'ai.tensorget': [0, 1, 0],
      'config|get': [0, 1, 0],
      'config|resetstat': [1, 0, 0],
    });
    const totals = await info('stats');
    // Counted once answered, as Redis counts them: the RESETSTAT and the INFO before, not this INFO.
    assert.equal(totals.fields.get('total_commands_processed'), String(1 + 3 + 3 + 1));
  });

  test('latencystats: the default percentiles p50, p99 and p99.9 of each command that ran', async () => {
    await ok(['CONFIG', 'RESETSTAT']);
    for (let i = 0; i < 20; i++) await cli(['ECHO', `m${i}`]);
    await ok(['AI.TENSORSET', 'lat', 'INT8', '1']);
    const lat = await info('latencystats');
    assert.deepEqual(lat.sections, ['Latencystats']);
    const byName = fieldsWithPrefix(lat, 'latency_percentiles_usec_');
    assert.deepEqual([...byName.keys()].sort(), ['ai.tensorset', 'config|resetstat', 'echo']);
    const echo = percentiles(byName.get('echo')!, ['p50', 'p99', 'p99.9']);
    assert.ok(echo.get('p50')! > 0);
    assert.deepEqual(await cli(['CONFIG', 'GET', 'latency-tracking*']), [
      Buffer.from('latency-tracking'),
      Buffer.from('yes'),
      Buffer.from('latency-tracking-info-percentiles'),
      Buffer.from('50 99 99.9'),
    ]);
  });

  test('CONFIG SET latency-tracking-info-percentiles picks the percentiles; bad lists are refused and change nothing', async () => {
    await ok(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '0.0 50.0 100.0']);
    assert.deepEqual(await cli(['CONFIG', 'GET', 'latency-tracking-info-percentiles']), [
      Buffer.from('latency-tracking-info-percentiles'),
      Buffer.from('0 50 100'),
    ]);
    const lat = fieldsWithPrefix(await info('latencystats'), 'latency_percentiles_usec_');
    percentiles(lat.get('echo')!, ['p0', 'p50', 'p100']);
    for (const [bad, why] of [
      ['10.0 50.0 a', 'Invalid latency-tracking-info-percentiles parameters'],
      ['10.0 50.0 101.0', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]'],
    ] as const) {
      assert.equal(
        errorOf(await cli(['CONFIG', 'SET', 'latency-tracking-info-percentiles', bad])),
        `ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - ${why}`,
      );
    }
    assert.deepEqual(await cli(['CONFIG', 'GET', 'latency-tracking-info-percentiles']), [
      Buffer.from('latency-tracking-info-percentiles'),
      Buffer.from('0 50 100'),
    ]);
    await ok(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9']);
  });

  test('CONFIG SET latency-tracking no stops the histograms; yes starts them again; RESETSTAT drops them', async () => {
    await ok(['CONFIG', 'RESETSTAT']);
    await ok(['CONFIG', 'SET', 'latency-tracking', 'no']);
    await cli(['PING']);
    const off = await info('latencystats');
    assert.deepEqual(off.sections, ['Latencystats']);
    assert.equal(off.fields.size, 0, 'nothing listed while tracking is off');
    await ok(['CONFIG', 'SET', 'latency-tracking', 'yes']);
    const on = fieldsWithPrefix(await info('latencystats'), 'latency_percentiles_usec_');
    // The CONFIG SET that turned tracking on is timed (as in Redis); the PING and INFO before it are not.
    assert.deepEqual([...on.keys()].sort(), ['config|resetstat', 'config|set']);
    assert.match(errorOf(await cli(['CONFIG', 'SET', 'latency-tracking', 'maybe'])) ?? '', /argument must be 'yes' or 'no'/);
    await ok(['CONFIG', 'RESETSTAT']);
    const reset = await info('latencystats', 'commandstats');
    assert.deepEqual([...fieldsWithPrefix(reset, 'latency_percentiles_usec_').keys()], ['config|resetstat']);
    assert.deepEqual([...fieldsWithPrefix(reset, 'cmdstat_').keys()], ['config|resetstat']);
  });

  test('INFO and INFO default leave the two sections out; INFO all and everything have them', async () => {
    for (const args of [[], ['default']]) {
      const sections = (await info(...args)).sections;
      assert.ok(!sections.includes('Commandstats') && !sections.includes('Latencystats'), `INFO ${args.join(' ')}: ${sections.join(',')}`);
    }
    for (const word of ['all', 'everything']) {
      const sections = (await info(word)).sections;
      assert.ok(sections.includes('Commandstats') && sections.includes('Latencystats'), `INFO ${word}: ${sections.join(',')}`);
      assert.equal(sections.at(-1), 'Keyspace', sections.join(','));
    }
  });
});

describe('redis-py: INFO commandstats and latencystats', () => {
  test("redis-py's info() reads both sections into dicts; config_resetstat() clears them", async () => {
    const code = String.raw`
import json, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
r.config_resetstat()
for _ in range(5):
    r.ping()
r.execute_command('AI.TENSORSET', 'py', 'INT32', 2, 'VALUES', 1, 2)
try:
    r.execute_command('AI.TENSORGET', 'py', 'NOPE')
except redis.ResponseError as e:
    failed = str(e)
before = {'commandstats': r.info('commandstats'), 'latencystats': r.info('latencystats')}
r.config_resetstat()
after = r.info('commandstats')
print(json.dumps({'before': before, 'after': after, 'failed': failed}))
`;
    const res = await redisPy(server.port, { code });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      before: { commandstats: Record<string, Record<string, number>>; latencystats: Record<string, Record<string, number>> };
      after: Record<string, Record<string, number>>;
      failed: string;
    };
    const cs = out.before.commandstats;
    assert.deepEqual(Object.keys(cs).sort(), ['cmdstat_ai.tensorget', 'cmdstat_ai.tensorset', 'cmdstat_config|resetstat', 'cmdstat_ping']);
    const { usec, usec_per_call: perCall, ...ping } = cs.cmdstat_ping!;
    assert.deepEqual(ping, { calls: 5, rejected_calls: 0, failed_calls: 0 });
    assert.ok(Number.isInteger(usec) && typeof perCall === 'number', JSON.stringify(cs.cmdstat_ping));
    assert.equal(cs['cmdstat_ai.tensorget']!.failed_calls, 1, out.failed);
    assert.equal(cs['cmdstat_ai.tensorset']!.calls, 1);
    const ls = out.before.latencystats;
    assert.deepEqual(Object.keys(ls.latency_percentiles_usec_ping!), ['p50', 'p99', 'p99.9']);
    for (const v of Object.values(ls.latency_percentiles_usec_ping!)) assert.equal(typeof v, 'number');
    assert.deepEqual(Object.keys(out.after), ['cmdstat_config|resetstat']);
  });
});
