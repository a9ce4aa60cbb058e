import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandKeys } from '../src/command-keys.js';
import { type CommandSpec, CommandTable, aiCommand, arityOk, command } from '../src/command-table.js';
import { COMMANDS } from '../src/commands/index.js';
import { KeyFlag, type KeySpecFlag, keyFlagNames } from '../src/key-specs.js';

const table = new CommandTable(COMMANDS);

type Expected = readonly (readonly [key: string, flags: readonly KeySpecFlag[]])[];

const RO_ACCESS: readonly KeySpecFlag[] = ['RO', 'access'];
const OW_UPDATE: readonly KeySpecFlag[] = ['OW', 'update'];
const RM_DELETE: readonly KeySpecFlag[] = ['RM', 'delete'];

/**
 * Every command and subcommand of the table with a request and the keys it names. A command
 * added to the table without a row here fails the coverage test below.
 */
const CASES: readonly { readonly argv: string; readonly keys: Expected }[] = [
  { argv: 'PING hello', keys: [] },
  { argv: 'ECHO hello', keys: [] },
  { argv: 'HELLO 3 AUTH default pw', keys: [] },
  { argv: 'AUTH default pw', keys: [] },
  { argv: 'SELECT 0', keys: [] },
  { argv: 'QUIT', keys: [] },
  { argv: 'CLIENT', keys: [] },
  { argv: 'CLIENT ID', keys: [] },
  { argv: 'CLIENT SETNAME n', keys: [] },
  { argv: 'CLIENT GETNAME', keys: [] },
  { argv: 'CLIENT SETINFO LIB-NAME x', keys: [] },
  { argv: 'CLIENT LIST TYPE normal', keys: [] },
  { argv: 'CLIENT INFO', keys: [] },
  { argv: 'CLIENT NO-EVICT on', keys: [] },
  { argv: 'CLIENT NO-TOUCH on', keys: [] },
  { argv: 'CLIENT HELP', keys: [] },
  {
    argv: 'EXISTS a b a',
    keys: [
      ['a', ['RO']],
      ['b', ['RO']],
      ['a', ['RO']],
    ],
  },
  {
    argv: 'DEL a b',
    keys: [
      ['a', RM_DELETE],
      ['b', RM_DELETE],
    ],
  },
  { argv: 'UNLINK a', keys: [['a', RM_DELETE]] },
  { argv: 'TYPE t', keys: [['t', ['RO']]] },
  { argv: 'KEYS *', keys: [] },
  { argv: 'SCAN 0 MATCH k*', keys: [] },
  { argv: 'COMMAND', keys: [] },
  { argv: 'COMMAND COUNT', keys: [] },
  { argv: 'COMMAND INFO get', keys: [] },
  { argv: 'COMMAND DOCS get', keys: [] },
  { argv: 'COMMAND LIST', keys: [] },
  { argv: 'COMMAND GETKEYS DEL a', keys: [] },
  { argv: 'COMMAND GETKEYSANDFLAGS DEL a', keys: [] },
  { argv: 'COMMAND HELP', keys: [] },
  { argv: 'INFO keyspace', keys: [] },
  { argv: 'ACL', keys: [] },
  { argv: 'ACL CAT ai', keys: [] },
  { argv: 'ACL DELUSER u', keys: [] },
  { argv: 'ACL DRYRUN u GET k', keys: [] },
  { argv: 'ACL GENPASS', keys: [] },
  { argv: 'ACL GETUSER u', keys: [] },
  { argv: 'ACL LIST', keys: [] },
  { argv: 'ACL LOAD', keys: [] },
  { argv: 'ACL LOG 5', keys: [] },
  { argv: 'ACL SAVE', keys: [] },
  { argv: 'ACL SETUSER u on', keys: [] },
  { argv: 'ACL USERS', keys: [] },
  { argv: 'ACL WHOAMI', keys: [] },
  { argv: 'ACL HELP', keys: [] },
  { argv: 'CONFIG', keys: [] },
  { argv: 'CONFIG GET port', keys: [] },
  { argv: 'CONFIG SET maxclients 10', keys: [] },
  { argv: 'CONFIG RESETSTAT', keys: [] },
  { argv: 'CONFIG REWRITE', keys: [] },
  { argv: 'CONFIG HELP', keys: [] },
  { argv: 'DBSIZE', keys: [] },
  { argv: 'FLUSHDB', keys: [] },
  { argv: 'FLUSHALL ASYNC', keys: [] },
  { argv: 'SAVE', keys: [] },
  { argv: 'BGSAVE SCHEDULE', keys: [] },
  { argv: 'BGREWRITEAOF', keys: [] },
  { argv: 'LASTSAVE', keys: [] },
  { argv: 'DEBUG RELOAD', keys: [] },
  { argv: 'SHUTDOWN NOSAVE', keys: [] },
  { argv: 'MULTI', keys: [] },
  { argv: 'EXEC', keys: [] },
  { argv: 'DISCARD', keys: [] },
  {
    argv: 'WATCH a b',
    keys: [
      ['a', ['RO']],
      ['b', ['RO']],
    ],
  },
  { argv: 'UNWATCH', keys: [] },
  { argv: 'AI.TENSORSET t FLOAT 2 VALUES 1 2', keys: [['t', OW_UPDATE]] },
  { argv: 'AI.TENSORGET t VALUES', keys: [['t', RO_ACCESS]] },
  { argv: 'AI.MODELSET m TF CPU INPUTS a OUTPUTS b BLOB graph', keys: [['m', OW_UPDATE]] },
  { argv: 'AI.MODELGET m', keys: [['m', RO_ACCESS]] },
  { argv: 'AI.MODELDEL m', keys: [['m', RM_DELETE]] },
  {
    argv: 'AI.MODELRUN m INPUTS a b OUTPUTS c d',
    keys: [
      ['m', RO_ACCESS],
      ['a', RO_ACCESS],
      ['b', RO_ACCESS],
      ['c', OW_UPDATE],
      ['d', OW_UPDATE],
    ],
  },
  { argv: 'AI.SCRIPTSET s CPU source', keys: [['s', OW_UPDATE]] },
  { argv: 'AI.SCRIPTGET s', keys: [['s', RO_ACCESS]] },
  { argv: 'AI.SCRIPTDEL s', keys: [['s', RM_DELETE]] },
  {
    argv: 'AI.SCRIPTRUN s fn INPUTS a OUTPUTS c',
    keys: [
      ['s', RO_ACCESS],
      ['a', RO_ACCESS],
      ['c', OW_UPDATE],
    ],
  },
  { argv: 'AI.INFO m RESETSTAT', keys: [['m', ['RW', 'update']]] },
  { argv: 'AI.CONFIG LOADBACKEND ONNX path', keys: [] },
  { argv: 'AI.MODELSTORE m TORCH CPU TAG t BATCHSIZE 4 BLOB part1 part2', keys: [['m', OW_UPDATE]] },
  {
    argv: 'AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 c TIMEOUT 100',
    keys: [
      ['m', RO_ACCESS],
      ['a', RO_ACCESS],
      ['b', RO_ACCESS],
      ['c', OW_UPDATE],
    ],
  },
  { argv: 'AI.SCRIPTSTORE s CPU TAG t ENTRY_POINTS 1 fn SOURCE src', keys: [['s', OW_UPDATE]] },
  {
    argv: 'AI.SCRIPTEXECUTE s fn KEYS 1 k INPUTS 1 a ARGS 1 x OUTPUTS 1 c',
    keys: [
      ['s', RO_ACCESS],
      ['k', ['RW', 'access', 'update']],
      ['a', RO_ACCESS],
      ['c', OW_UPDATE],
    ],
  },
  {
    argv: 'AI.DAGEXECUTE LOAD 1 a PERSIST 1 b ROUTING r |> AI.TENSORGET a META',
    keys: [
      ['a', RO_ACCESS],
      ['b', OW_UPDATE],
    ],
  },
  { argv: 'AI.DAGEXECUTE_RO KEYS 1 a |> AI.TENSORGET a META', keys: [['a', RO_ACCESS]] },
  {
    argv: 'AI.DAGRUN LOAD 1 a PERSIST 1 b |> AI.TENSORGET a META',
    keys: [
      ['a', RO_ACCESS],
      ['b', OW_UPDATE],
    ],
  },
  { argv: 'AI.DAGRUN_RO LOAD 1 a |> AI.TENSORGET a META', keys: [['a', RO_ACCESS]] },
  {
    // The model or script of each run step is read; the steps' tensors are the DAG's own.
    argv: 'AI.DAGEXECUTE KEYS 1 PERSIST LOAD 1 a PERSIST 1 c |> AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 b |> AI.SCRIPTEXECUTE s fn INPUTS 1 b OUTPUTS 1 c',
    keys: [
      ['PERSIST', RO_ACCESS],
      ['a', RO_ACCESS],
      ['c', OW_UPDATE],
      ['m', RO_ACCESS],
      ['s', RO_ACCESS],
    ],
  },
  {
    argv: 'AI.DAGRUN_RO LOAD 1 a |> AI.MODELRUN m INPUTS a OUTPUTS b |> AI.SCRIPTRUN s fn INPUTS b OUTPUTS c',
    keys: [
      ['a', RO_ACCESS],
      ['m', RO_ACCESS],
      ['s', RO_ACCESS],
    ],
  },
  { argv: 'AI._MODELSCAN', keys: [] },
  { argv: 'AI._SCRIPTSCAN', keys: [] },
];

function argvOf(line: string): Buffer[] {
  return line.split(' ').map((w) => Buffer.from(w));
}

/** The keys of a request as [key, flag names] pairs. */
function keysOf(spec: CommandSpec, argv: readonly Buffer[]): [string, KeySpecFlag[]][] {
  return commandKeys(spec, argv).map((k) => {
    assert.equal(k.key, argv[k.pos], 'a key is the argument at its position');
    return [k.key.toString(), keyFlagNames(k.flags)];
  });
}

/** A request's command, checked to be a valid request for it (arity included; CLIENT alone is the container). */
function specFor(argv: readonly Buffer[]): CommandSpec {
  const spec = table.find(argv);
  assert.ok(spec, `${argv.join(' ')}: unknown`);
  assert.ok(arityOk(spec, argv.length) || !spec.handler, `${argv.join(' ')}: wrong arity`);
  return spec;
}

describe('command keys', () => {
  for (const { argv, keys } of CASES) {
    it(`${argv} → ${keys.map(([k]) => k).join(' ') || 'no keys'}`, () => {
      const request = argvOf(argv);
      assert.deepEqual(keysOf(specFor(request), request), keys);
    });
  }

  it('has a case for every command and subcommand of the table', () => {
    const covered = new Set(CASES.map(({ argv }) => specFor(argvOf(argv)).name));
    const all = COMMANDS.flatMap((s) => [s, ...(s.subcommands ?? [])]).map((s) => s.name);
    assert.deepEqual(
      all.filter((n) => !covered.has(n)),
      [],
    );
  });

  it('documents every key spec with a key argument (COMMAND DOCS)', () => {
    const all = COMMANDS.flatMap((s) => [s, ...(s.subcommands ?? [])]);
    assert.deepEqual(
      all.filter((s) => s.keySpecs.length > 0 && !s.arguments).map((s) => s.name),
      [],
    );
  });

  it('finds the run keys with any case of the keywords and no inputs, and none in a malformed run', () => {
    const run = table.get('ai.modelrun')!;
    const keys = (line: string): string[] => commandKeys(run, argvOf(line)).map((k) => k.key.toString());
    assert.deepEqual(keys('ai.modelrun m inputs outputs c'), ['m', 'c']);
    assert.deepEqual(keys('AI.MODELRUN m INPUTS a OUTPUTS OUTPUTS'), ['m', 'a', 'OUTPUTS']);
    assert.deepEqual(keys('AI.MODELRUN m a OUTPUTS c'), [], 'no INPUTS');
    assert.deepEqual(keys('AI.MODELRUN m INPUTS a c'), [], 'no OUTPUTS');
    assert.deepEqual(keys('AI.MODELRUN m INPUTS a OUTPUTS'), ['m', 'a'], 'no output keys: the run is queued and fails there');
    assert.deepEqual(keys('AI.MODELRUN m TIMEOUT 5 INPUTS a OUTPUTS c'), ['m', 'a', 'c'], '1.x TIMEOUT before INPUTS');
    const script = table.get('ai.scriptrun')!;
    const scriptKeys = commandKeys(script, argvOf('AI.SCRIPTRUN s INPUTS INPUTS x OUTPUTS y')).map((k) => k.key.toString());
    assert.deepEqual(scriptKeys, ['s', 'x', 'y'], 'a function named INPUTS is the function, not the keyword');
  });

  it('reads the counted clauses of AI.MODELEXECUTE and AI.SCRIPTEXECUTE in order: a key may be named like a keyword', () => {
    const keys = (name: string, line: string): string[] => commandKeys(table.get(name)!, argvOf(line)).map((k) => k.key.toString());
    assert.deepEqual(keys('ai.modelexecute', 'AI.MODELEXECUTE m INPUTS 1 OUTPUTS OUTPUTS 1 c'), ['m', 'OUTPUTS', 'c']);
    assert.deepEqual(keys('ai.modelexecute', 'AI.MODELEXECUTE m INPUTS two a OUTPUTS 1 c'), [], 'a count that is no number');
    assert.deepEqual(keys('ai.modelexecute', 'AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 3 c'), [], 'a count past the end');
    assert.deepEqual(keys('ai.scriptexecute', 'AI.SCRIPTEXECUTE s fn INPUTS 1 KEYS ARGS 2 INPUTS x TIMEOUT 5'), ['s', 'KEYS']);
    assert.deepEqual(keys('ai.scriptexecute', 'AI.SCRIPTEXECUTE s fn KEYS 1 k BOGUS 1 x'), [], 'an unknown clause');
  });

  it('derives the legacy range and movablekeys as Redis 7 does', () => {
    const legacy = (name: string): [number, number, number, boolean] => {
      const s = table.getFull(name)!;
      return [s.legacyKeys.firstKey, s.legacyKeys.lastKey, s.legacyKeys.step, s.movableKeys];
    };
    assert.deepEqual(legacy('del'), [1, -1, 1, false]);
    assert.deepEqual(legacy('ai.tensorget'), [1, 1, 1, false]);
    // The v0.9 reference registered AI.MODELRUN as 1 1 1 with getkeys-api.
    assert.deepEqual(legacy('ai.modelrun'), [1, 1, 1, true]);
    assert.deepEqual(legacy('ai.scriptrun'), [1, 1, 1, true]);
    assert.deepEqual(legacy('ping'), [0, 0, 0, false]);
    assert.deepEqual(legacy('config|get'), [0, 0, 0, false]);
  });
});

/**
 * The RedisAI 1.2 forms, declared with keynum specs: each clause is a keyword followed by a
 * count and that many keys (`keyNumIdx` 0: the count right after the keyword; `firstKey` 1:
 * the keys right after the count).
 */
const modelExecute = aiCommand({
  name: 'ai.modelexecute',
  arity: -7,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: [
    { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } },
    { flags: ['RO', 'access'], beginSearch: { keyword: 'INPUTS', startFrom: 2 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
    { flags: ['OW', 'update'], beginSearch: { keyword: 'OUTPUTS', startFrom: 2 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
  ],
  summary: 'Runs a model (RedisAI 1.2).',
  since: '1.2.0',
});

const scriptExecute = aiCommand({
  name: 'ai.scriptexecute',
  arity: -3,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: [
    { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } },
    {
      flags: ['RW', 'access', 'update'],
      beginSearch: { keyword: 'KEYS', startFrom: 3 },
      findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } },
    },
    { flags: ['RO', 'access'], beginSearch: { keyword: 'INPUTS', startFrom: 3 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
    { flags: ['OW', 'update'], beginSearch: { keyword: 'OUTPUTS', startFrom: 3 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
  ],
  summary: 'Runs a function of a script (RedisAI 1.2).',
  since: '1.2.0',
});

const dagExecute = aiCommand({
  name: 'ai.dagexecute',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: [
    { flags: ['RO', 'access'], beginSearch: { keyword: 'LOAD', startFrom: 1 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
    { flags: ['OW', 'update'], beginSearch: { keyword: 'PERSIST', startFrom: 1 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
    { flags: ['RO', 'access'], beginSearch: { keyword: 'KEYS', startFrom: 1 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } } },
    { flags: ['not_key'], beginSearch: { keyword: 'ROUTING', startFrom: 1 }, findKeys: { range: { lastKey: 0 } } },
  ],
  summary: 'Runs a pipeline of commands (RedisAI 1.2).',
  since: '1.2.0',
});

function names(spec: CommandSpec, line: string): string[] {
  return commandKeys(spec, argvOf(line)).map((k) => `${k.key.toString()}:${keyFlagNames(k.flags).join('+')}`);
}

describe('keynum key specs (the RedisAI 1.2 forms)', () => {
  it('AI.MODELEXECUTE key INPUTS n k... OUTPUTS n k...', () => {
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 c TIMEOUT 100'), [
      'm:RO+access',
      'a:RO+access',
      'b:RO+access',
      'c:OW+update',
    ]);
    // Keywords match in any case, and a key may be named like the keyword that precedes it.
    assert.deepEqual(names(modelExecute, 'ai.modelexecute m inputs 1 inputs outputs 1 outputs'), [
      'm:RO+access',
      'inputs:RO+access',
      'outputs:OW+update',
    ]);
    // An input named OUTPUTS is taken for the keyword, whose count is then no number: no keys,
    // as Redis's keyword search gives. A command that must allow it declares a keys function.
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS 1 OUTPUTS OUTPUTS 1 c'), []);
    assert.deepEqual(modelExecute.legacyKeys, { firstKey: 1, lastKey: 1, step: 1 });
    assert.equal(modelExecute.movableKeys, true);
  });

  it('a count that is not a number, is negative, or runs past the end names no keys', () => {
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS two a b OUTPUTS 1 c'), []);
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS -1 a OUTPUTS 1 c'), []);
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 3 c'), []);
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 999999999999999 c'), []);
    assert.deepEqual(names(modelExecute, 'AI.MODELEXECUTE m INPUTS 0 OUTPUTS 1 c'), ['m:RO+access', 'c:OW+update']);
  });

  it('AI.SCRIPTEXECUTE key fn [KEYS n k...] [INPUTS n k...] [ARGS n a...] [OUTPUTS n k...]: absent clauses name no keys', () => {
    assert.deepEqual(names(scriptExecute, 'AI.SCRIPTEXECUTE s fn KEYS 1 k INPUTS 2 a b ARGS 1 x OUTPUTS 1 c'), [
      's:RO+access',
      'k:RW+access+update',
      'a:RO+access',
      'b:RO+access',
      'c:OW+update',
    ]);
    assert.deepEqual(names(scriptExecute, 'AI.SCRIPTEXECUTE s fn INPUTS 1 a'), ['s:RO+access', 'a:RO+access']);
  });

  it('AI.DAGEXECUTE LOAD n ... PERSIST n ... KEYS n ... ROUTING k: the routing key is not a key', () => {
    const line = 'AI.DAGEXECUTE LOAD 1 a PERSIST 1 b ROUTING r |> AI.TENSORGET a META';
    assert.deepEqual(names(dagExecute, line), ['a:RO+access', 'b:OW+update']);
    assert.deepEqual(names(dagExecute, 'AI.DAGEXECUTE KEYS 2 x y |> AI.TENSORGET x META'), ['x:RO+access', 'y:RO+access']);
    assert.equal(dagExecute.keySpecs[3]!.bits, KeyFlag.NOT_KEY);
  });
});

describe('key spec declarations', () => {
  const decl = (keySpecs: Parameters<typeof command>[0]['keySpecs']) => () =>
    command({ name: 'x', arity: -2, flags: [], group: 'generic', summary: '', keySpecs });

  it('are checked when the command is declared', () => {
    assert.throws(
      decl([{ flags: ['access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }]),
      /exactly one of RO, RW, OW, RM/,
    );
    assert.throws(decl([{ flags: ['RO', 'RW'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }]), /exactly one/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: { index: 0 }, findKeys: { range: { lastKey: 0 } } }]), /index must be 1 or more/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: { keyword: 'K', startFrom: 0 }, findKeys: { range: { lastKey: 0 } } }]), /startFrom/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0, step: 0 } } }]), /step/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -2, limit: 2 } } }]), /limit/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { keynum: { keyNumIdx: 1, firstKey: 1 } } }]), /firstKey/);
    assert.throws(decl([{ flags: ['RO'], beginSearch: 'unknown', findKeys: 'unknown' }]), /incomplete/);
  });

  it('are named by the key arguments of the docs', () => {
    const declare = (args: Parameters<typeof command>[0]['arguments']) => () =>
      command({
        name: 'x',
        arity: -2,
        flags: [],
        group: 'generic',
        summary: '',
        keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
        arguments: args,
      });
    assert.throws(declare([{ name: 'k', type: 'key', keySpecIndex: 1 }]), /no key spec 1/);
    assert.throws(declare([{ name: 'k', type: 'string' }]), /key spec 0 is not named/);
    assert.throws(declare([{ name: 'k', type: 'string', keySpecIndex: 0 }]), /only a key/);
    assert.throws(
      declare([
        { name: 'k', type: 'key', keySpecIndex: 0 },
        { name: 'o', type: 'oneof' },
      ]),
      /oneof and block/,
    );
    assert.doesNotThrow(declare([{ name: 'k', type: 'key', keySpecIndex: 0 }]));
  });

  it('range limits and backward keyword searches work as in Redis', () => {
    // Redis's MSET-like pairs: keys every 2 arguments up to the end.
    const pairs = decl([{ flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -1, step: 2 } } }])();
    assert.deepEqual(names(pairs, 'X k1 v1 k2 v2'), ['k1:OW+update', 'k2:OW+update']);
    // Redis's MIGRATE-like KEYS clause, found searching backwards from the second-last argument.
    const back = decl([
      { flags: ['RW', 'access', 'delete'], beginSearch: { keyword: 'KEYS', startFrom: -2 }, findKeys: { range: { lastKey: -1 } } },
    ])();
    assert.deepEqual(names(back, 'X KEYS a KEYS b c'), ['b:RW+access+delete', 'c:RW+access+delete']);
    // A limit of 2 takes the first half of what follows (Redis's XREAD STREAMS k... id...).
    const half = decl([
      {
        flags: ['RO', 'access'],
        beginSearch: { keyword: 'STREAMS', startFrom: 1 },
        findKeys: { range: { lastKey: -1, step: 1, limit: 2 } },
      },
    ])();
    assert.deepEqual(names(half, 'X COUNT 2 STREAMS a b 0 0'), ['a:RO+access', 'b:RO+access']);
    // The keyword is never matched as the last argument: nothing could follow it.
    assert.deepEqual(names(half, 'X STREAMS'), []);
  });
});
