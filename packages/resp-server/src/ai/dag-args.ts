import { ReplyError, type DagPlan, type DagStep, type Engine, type Tensor, keyString, validateDag } from '@modelkv/core';
import { isWord, parseStrictInt } from '../args.js';
import { namedArity } from './arity.js';
import { type Compat, EMPTY_KEY_1_2 } from '../compat.js';
import { ArgCursor } from './arg-cursor.js';
import { parseModelExecute, parseScriptExecute } from './execute-args.js';
import { parseRunKeys } from '../commands/run-keys.js';
import { scriptExecuteCall } from './script-call.js';
import { type TensorFormat, parseTensorFormat } from './tensor-reply.js';
import { parseTensorSet } from './tensorset-args.js';
import { timeoutArg } from './timeout-arg.js';

/** Which DAG command is read. */
export interface DagCommand {
  /** The command's name as the reference's errors spell it. */
  readonly name: 'AI.DAGEXECUTE' | 'AI.DAGEXECUTE_RO' | 'AI.DAGRUN' | 'AI.DAGRUN_RO';
  readonly readonly: boolean;
  /** AI.DAGRUN(_RO): steps use AI.MODELRUN / AI.SCRIPTRUN; otherwise the *EXECUTE commands. */
  readonly deprecated: boolean;
}

export interface ParsedDag {
  readonly plan: DagPlan;
  /** Per step: the reply format of a TENSORGET, undefined for other steps. */
  readonly formats: readonly (TensorFormat | undefined)[];
}

interface Header {
  load: Map<string, Tensor> | undefined;
  persist: string[] | undefined;
  routing: boolean;
  keys: boolean;
  timeoutMs: number;
}

/**
 * Reads a DAG command: its LOAD/PERSIST/KEYS/ROUTING/TIMEOUT header and its `|>` steps. DAGs
 * exist in 1.x only, so their steps read and answer as 1.2 does in both compat modes.
 */
export function parseDag(engine: Engine, argv: readonly Buffer[], cmd: DagCommand): ParsedDag {
  if (!cmd.deprecated && argv.length < 6) throw new ReplyError(`missing arguments for '${cmd.name}' command`);
  if (cmd.deprecated && argv.length < 4) throw new ReplyError(`wrong number of arguments for '${cmd.name}' command`);
  const header: Header = { load: undefined, persist: undefined, routing: false, keys: false, timeoutMs: 0 };
  const c = new ArgCursor(argv, 1);
  while (!c.atEnd() && !(isWord(c.peek(), '|>') && c.remaining() > 1)) parseHeaderWord(engine, c, cmd, header);
  if (!cmd.deprecated && !header.load && !header.persist && !header.routing && !header.keys) {
    throw new ReplyError('AI.DAGEXECUTE and AI.DAGEXECUTE_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords');
  }
  const stepArgs = splitSteps(c);
  if (stepArgs.length === 0) throw new ReplyError('DAG is empty');
  const steps: DagStep[] = [];
  const formats: (TensorFormat | undefined)[] = [];
  for (const s of stepArgs) {
    const [step, format] = parseStep(engine, s, cmd);
    steps.push(step);
    formats.push(format);
  }
  const load = header.load ?? new Map<string, Tensor>();
  const persist = header.persist ?? [];
  validateDag({ load, steps, persist });
  engine.assertTensorKeys(persist);
  return { plan: { load, steps, persist, timeoutMs: header.timeoutMs }, formats };
}

function parseHeaderWord(engine: Engine, c: ArgCursor, cmd: DagCommand, h: Header): void {
  const word = c.next()!;
  if (isWord(word, 'LOAD') && !h.load) {
    h.load = new Map();
    for (const k of countedKeys(c, 'LOAD', 'into DAG does not match the number of given arguments')) {
      h.load.set(keyString(k), engine.tensorGet(k, EMPTY_KEY_1_2.input));
    }
    return;
  }
  if (isWord(word, 'PERSIST') && !h.persist) {
    if (cmd.readonly) throw new ReplyError('PERSIST cannot be specified in a read-only DAG');
    const keys = countedKeys(c, 'PERSIST', 'after DAG execution does not match the number of given arguments').map(keyString);
    if (new Set(keys).size !== keys.length) throw new ReplyError('PERSIST keys must be unique');
    h.persist = keys;
    return;
  }
  if (isWord(word, 'ROUTING') && !h.routing) {
    if (c.next() === undefined) throw new ReplyError('Missing ROUTING value');
    h.routing = true;
    return;
  }
  if (isWord(word, 'KEYS') && !h.keys) {
    if (c.remaining() < 2) throw new ReplyError('Missing arguments after KEYS keyword');
    const n = c.nextCount();
    if (n === undefined) throw new ReplyError('Invalid or negative value found in number of KEYS');
    if (c.remaining() < n) {
      throw new ReplyError('Number of pre declared KEYS to be used in the command does not match the number of given arguments');
    }
    c.take(n);
    h.keys = true;
    return;
  }
  if (isWord(word, 'TIMEOUT') && h.timeoutMs === 0) {
    h.timeoutMs = timeoutArg(c.next());
    return;
  }
  throw new ReplyError(`Invalid DAG command. Unexpected argument:  ${word.toString()}`);
}

/** `LOAD n k...` / `PERSIST n k...` after the keyword. */
function countedKeys(c: ArgCursor, what: 'LOAD' | 'PERSIST', mismatch: string): Buffer[] {
  if (c.remaining() < 2) throw new ReplyError(`missing arguments after ${what} keyword in DAG command`);
  const countWord = c.next()!;
  const n = parseStrictInt(countWord);
  if (n === undefined || n <= 0) throw new ReplyError(`invalid or negative value found in number of keys to ${what}`);
  if (c.remaining() < n) throw new ReplyError(`number of keys to ${what} ${mismatch}`);
  return c.take(n);
}

/** The arguments of each step, split at `|>`. */
function splitSteps(c: ArgCursor): Buffer[][] {
  const steps: Buffer[][] = [];
  while (!c.atEnd()) {
    c.next(); // the `|>`
    const step: Buffer[] = [];
    while (!c.atEnd() && !isWord(c.peek(), '|>')) step.push(c.next()!);
    if (step.length === 0) throw new ReplyError('Unsupported command within DAG');
    steps.push(step);
  }
  return steps;
}

const DAG_COMPAT: Compat = '1.2';

function parseStep(engine: Engine, argv: Buffer[], cmd: DagCommand): [DagStep, TensorFormat | undefined] {
  const name = argv[0]!;
  if (isWord(name, 'AI.TENSORGET')) {
    if (argv.length < 2 || argv.length > 4) throw namedArity('AI.TENSORGET');
    return [{ kind: 'tensorget', key: keyString(argv[1]!) }, parseTensorFormat(argv, 2, DAG_COMPAT)];
  }
  if (isWord(name, 'AI.TENSORSET')) {
    const tensor = parseTensorSet(argv, DAG_COMPAT, engine.maxTensorBytes, () => namedArity('AI.TENSORSET'));
    return [{ kind: 'tensorset', key: keyString(argv[1]!), tensor }, undefined];
  }
  if (cmd.deprecated) {
    if (isWord(name, 'AI.MODELRUN')) return [legacyModelStep(engine, argv), undefined];
    if (isWord(name, 'AI.SCRIPTRUN')) return [legacyScriptStep(engine, argv), undefined];
  } else {
    if (isWord(name, 'AI.MODELEXECUTE')) return [modelStep(engine, argv), undefined];
    if (isWord(name, 'AI.SCRIPTEXECUTE')) {
      if (cmd.readonly) throw new ReplyError('AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG');
      return [scriptStep(engine, argv), undefined];
    }
    if (isWord(name, 'AI.MODELRUN') || isWord(name, 'AI.SCRIPTRUN')) {
      throw new ReplyError(`Deprecated ${name.toString().toUpperCase()} cannot be used in AI.DAGEXECUTE command`);
    }
  }
  throw new ReplyError('Unsupported command within DAG');
}

function names(keys: readonly Buffer[]): string[] {
  return keys.map(keyString);
}

function modelStep(engine: Engine, argv: Buffer[]): DagStep {
  if (argv.length < 8) throw namedArity('AI.MODELEXECUTE');
  const model = engine.model(argv[1]!, EMPTY_KEY_1_2.modelrun);
  const { inputs, outputs } = parseModelExecute(argv, model, { inDag: true });
  return { kind: 'model', model, inputs: names(inputs), outputs: names(outputs) };
}

function scriptStep(engine: Engine, argv: Buffer[]): DagStep {
  const script = engine.script(argv[1]!, EMPTY_KEY_1_2.scriptrun);
  const parsed = parseScriptExecute(argv, { inDag: true });
  const call = scriptExecuteCall(script, parsed, []);
  const dagCall =
    'entryPoint' in call ? { fn: call.fn, entryPoint: { keys: call.entryPoint.keys, args: call.entryPoint.args } } : { fn: call.fn };
  return { kind: 'script', script, call: dagCall, inputs: names(parsed.inputs), outputs: names(parsed.outputs) };
}

function legacyModelStep(engine: Engine, argv: Buffer[]): DagStep {
  if (argv.length < 4) throw namedArity('AI.MODELRUN');
  const model = engine.model(argv[1]!, EMPTY_KEY_1_2.modelrun);
  const { timeoutMs, inputs, outputs } = parseRunKeys(argv, 2);
  if (timeoutMs > 0) throw new ReplyError('TIMEOUT not allowed within a DAG command');
  if (model.inputs.length > 0 && model.inputs.length !== inputs.length) {
    throw new ReplyError('Number of names given as INPUTS during MODELSET and keys given as INPUTS here do not match');
  }
  return { kind: 'model', model, inputs: names(inputs), outputs: names(outputs) };
}

function legacyScriptStep(engine: Engine, argv: Buffer[]): DagStep {
  if (argv.length < 5) throw namedArity('AI.SCRIPTRUN');
  const script = engine.script(argv[1]!, EMPTY_KEY_1_2.scriptrun);
  const { timeoutMs, inputs, outputs } = parseRunKeys(argv, 3);
  if (timeoutMs > 0) throw new ReplyError('TIMEOUT not allowed within a DAG command');
  return { kind: 'script', script, call: { fn: argv[2]!.toString() }, inputs: names(inputs), outputs: names(outputs) };
}
