import { runDag } from '@modelkv/core';
import { isWord, parseStrictInt } from '../args.js';
import { type DagCommand, parseDag } from '../ai/dag-args.js';
import { writeTensor } from '../ai/tensor-reply.js';
import type { CommandArgument } from '../command-args.js';
import { type CommandSpec, aiCommand } from '../command-table.js';
import { type CommandKey, type KeysFunction, keyAt } from '../command-keys.js';
import type { CommandContext } from '../context.js';
import type { KeySpecDeclaration, KeySpecFlag } from '../key-specs.js';

/**
 * Reads, runs and answers a DAG: an array with each step's reply (`OK`, a TENSORGET's tensor, an
 * error, or `NA` for steps after a failed one), or `TIMEDOUT` when it waited longer than its
 * TIMEOUT.
 */
async function dag(ctx: CommandContext, argv: Buffer[], cmd: DagCommand): Promise<void> {
  const { plan, formats } = parseDag(ctx.engine, argv, cmd);
  const outcome = await runDag(ctx.engine, { ...plan, signal: ctx.signal });
  const r = ctx.reply;
  if (outcome.timedOut) {
    r.simple('TIMEDOUT');
    return;
  }
  r.array(outcome.results.length);
  outcome.results.forEach((result, i) => {
    if (result.kind === 'ok') r.ok();
    else if (result.kind === 'skipped') r.simple('NA');
    else if (result.kind === 'error') r.error(result.error.reply);
    else writeTensor(r, result.tensor, formats[i]!);
  });
}

/**
 * LOAD n k... (read), PERSIST n k... (overwritten; not in the read-only forms), KEYS n k... (the
 * keys a step may touch) and ROUTING k (a routing hint, not a key). KEYS and ROUTING are 1.2's.
 */
function dagKeySpecs(cmd: DagCommand): KeySpecDeclaration[] {
  const counted = (keyword: string, flags: KeySpecFlag[]): KeySpecDeclaration => ({
    flags,
    beginSearch: { keyword, startFrom: 1 },
    findKeys: { keynum: { keyNumIdx: 0, firstKey: 1 } },
  });
  const specs = [counted('LOAD', ['RO', 'access'])];
  if (!cmd.readonly) specs.push(counted('PERSIST', ['OW', 'update']));
  if (!cmd.deprecated) {
    specs.push(counted('KEYS', ['RO', 'access']));
    specs.push({ flags: ['not_key'], beginSearch: { keyword: 'ROUTING', startFrom: 1 }, findKeys: { range: { lastKey: 0 } } });
  }
  return specs;
}

/** Step commands whose first argument is a model or script key. */
const RUN_STEPS = new Set(['AI.MODELRUN', 'AI.MODELEXECUTE', 'AI.SCRIPTRUN', 'AI.SCRIPTEXECUTE']);

/**
 * The keys of a DAG as ACL checks them: LOAD, PERSIST and KEYS read in order as the parser does
 * (so a key named like a keyword is a key), and the model or script key of each run step, read
 * (the step's tensors are the DAG's own, not keys). Gives no keys for a head it cannot read: the
 * command is refused by its parser then.
 */
function dagKeys(cmd: DagCommand): KeysFunction {
  const sections: Record<string, number> = { LOAD: 0 };
  if (!cmd.readonly) sections.PERSIST = 1;
  if (!cmd.deprecated) sections.KEYS = cmd.readonly ? 1 : 2;
  return (argv, specs) => {
    const keys: CommandKey[] = [];
    let i = 1;
    while (i < argv.length && !isWord(argv[i], '|>')) {
      const word = argv[i]!.toString().toUpperCase();
      if (word === 'TIMEOUT' || (word === 'ROUTING' && !cmd.deprecated)) {
        i += 2;
        continue;
      }
      const spec = sections[word];
      const n = i + 1 < argv.length ? parseStrictInt(argv[i + 1]!) : undefined;
      if (spec === undefined || n === undefined || n < 0 || i + 2 + n > argv.length) return [];
      for (let k = i + 2; k < i + 2 + n; k++) keys.push(keyAt(argv, k, specs[spec]!));
      i += 2 + n;
    }
    for (; i + 2 < argv.length; i++) {
      if (isWord(argv[i], '|>') && RUN_STEPS.has(argv[i + 1]!.toString().toUpperCase())) keys.push(keyAt(argv, i + 2, specs[0]!));
    }
    return keys;
  };
}

function dagArguments(cmd: DagCommand): CommandArgument[] {
  const counted = (name: string, token: string, keySpecIndex: number): CommandArgument => ({
    name,
    type: 'block',
    token,
    optional: true,
    arguments: [
      { name: 'count', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex, multiple: true },
    ],
  });
  const args = [counted('load', 'LOAD', 0)];
  if (!cmd.readonly) args.push(counted('persist', 'PERSIST', 1));
  if (!cmd.deprecated) {
    const at = cmd.readonly ? 1 : 2;
    args.push(counted('keys', 'KEYS', at));
    args.push({ name: 'routing', type: 'key', keySpecIndex: at + 1, token: 'ROUTING', optional: true });
  }
  args.push({ name: 'timeout', type: 'integer', token: 'TIMEOUT', optional: true });
  args.push({ name: 'step', type: 'string', token: '|>', multiple: true, multipleToken: true });
  return args;
}

function dagCommand(cmd: DagCommand, summary: string): CommandSpec {
  return aiCommand({
    name: cmd.name.toLowerCase(),
    // The command alone gets RedisAI's own words, not the table's arity error.
    arity: -1,
    flags: cmd.readonly ? ['readonly', 'module'] : ['write', 'denyoom', 'module'],
    keySpecs: dagKeySpecs(cmd),
    keys: dagKeys(cmd),
    arguments: dagArguments(cmd),
    since: cmd.deprecated ? '1.0.0' : '1.2.0',
    summary,
    waits: true,
    async handler(ctx, argv) {
      await dag(ctx, argv, cmd);
    },
  });
}

export const aiDagexecute = dagCommand(
  { name: 'AI.DAGEXECUTE', readonly: false, deprecated: false },
  'Runs a pipeline of tensor, model and script steps with tensors local to it; LOAD, PERSIST, KEYS, ROUTING, TIMEOUT.',
);
export const aiDagexecuteRo = dagCommand(
  { name: 'AI.DAGEXECUTE_RO', readonly: true, deprecated: false },
  'AI.DAGEXECUTE without PERSIST and script steps.',
);
export const aiDagrun = dagCommand(
  { name: 'AI.DAGRUN', readonly: false, deprecated: true },
  'Deprecated form of AI.DAGEXECUTE, with AI.MODELRUN and AI.SCRIPTRUN steps.',
);
export const aiDagrunRo = dagCommand({ name: 'AI.DAGRUN_RO', readonly: true, deprecated: true }, 'AI.DAGRUN without PERSIST.');
