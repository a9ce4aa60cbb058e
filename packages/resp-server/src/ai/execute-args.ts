import { ReplyError, type StoredModel } from '@modelkv/core';
import { isWord, parseStrictInt } from '../args.js';
import { namedArity } from './arity.js';
import { ArgCursor } from './arg-cursor.js';
import { timeoutArg } from './timeout-arg.js';

/** Where an AI.MODELEXECUTE / AI.SCRIPTEXECUTE is read: alone, or as a step of a DAG. */
export interface ExecuteContext {
  readonly inDag: boolean;
}

export interface ModelExecuteArgs {
  readonly inputs: Buffer[];
  readonly outputs: Buffer[];
  readonly timeoutMs: number;
}

/** How many inputs or outputs a model takes, when it or its backend says. */
export function modelArity(model: StoredModel, what: 'inputs' | 'outputs'): number | undefined {
  const names = what === 'inputs' ? model.handle.inputNames : model.handle.outputNames;
  const declared = what === 'inputs' ? model.inputs : model.outputs;
  return names?.length ?? (declared.length || undefined);
}

function rejectTimeoutInDag(timeoutMs: number, at: ExecuteContext): void {
  if (timeoutMs > 0 && at.inDag) throw new ReplyError('TIMEOUT not allowed within a DAG command');
}

/**
 * `AI.MODELEXECUTE key INPUTS n k... OUTPUTS n k... [TIMEOUT t]`, read as RedisAI 1.2 reads it,
 * with its error words; counts are checked against the model.
 */
export function parseModelExecute(argv: readonly Buffer[], model: StoredModel, at: ExecuteContext): ModelExecuteArgs {
  const c = new ArgCursor(argv, 2);
  const inputs = countedKeys(c, model, 'inputs');
  const outputs = countedKeys(c, model, 'outputs');
  let timeoutMs = 0;
  if (!c.atEnd()) {
    const word = c.next()!;
    if (!isWord(word, 'TIMEOUT')) throw new ReplyError(`Invalid argument: ${word.toString()}`);
    timeoutMs = timeoutArg(c.next());
    if (!c.atEnd()) throw new ReplyError(`Invalid argument: ${c.peek()!.toString()}`);
  }
  rejectTimeoutInDag(timeoutMs, at);
  return { inputs, outputs, timeoutMs };
}

function countedKeys(c: ArgCursor, model: StoredModel, what: 'inputs' | 'outputs'): Buffer[] {
  const word = what.toUpperCase();
  const one = what === 'inputs' ? 'input' : 'output';
  const title = what === 'inputs' ? 'Input' : 'Output';
  if (!c.advanceIf(word)) throw new ReplyError(`${word} not specified`);
  const countWord = c.next();
  const n = countWord === undefined ? undefined : parseStrictInt(countWord);
  if (n === undefined) throw new ReplyError(`Invalid argument for ${one}_count`);
  if (n <= 0) throw new ReplyError(`${title} count must be a positive integer`);
  const expected = modelArity(model, what);
  if (expected !== undefined && expected !== n) {
    throw new ReplyError(`Number of keys given as ${word} here does not match model definition`);
  }
  if (c.remaining() < n) {
    throw new ReplyError(`number of ${one} keys to AI.MODELEXECUTE command does not match the number of given arguments`);
  }
  return c.take(n);
}

export interface ScriptExecuteArgs {
  readonly fn: string;
  readonly keys: Buffer[];
  readonly inputs: Buffer[];
  readonly args: Buffer[];
  readonly outputs: Buffer[];
  readonly timeoutMs: number;
}

const SCRIPT_SECTIONS = ['KEYS', 'INPUTS', 'ARGS', 'OUTPUTS', 'TIMEOUT'] as const;
type ScriptSection = (typeof SCRIPT_SECTIONS)[number];

function sectionOf(word: Buffer | undefined): ScriptSection | undefined {
  return SCRIPT_SECTIONS.find((s) => isWord(word, s));
}

/**
 * `AI.SCRIPTEXECUTE key fn [KEYS n k...] [INPUTS n k...] [ARGS n a...] [OUTPUTS n k...]
 * [TIMEOUT t]`, read as RedisAI 1.2 reads it, with its error words: KEYS or INPUTS comes first,
 * each section at most once, TIMEOUT last.
 */
export function parseScriptExecute(argv: readonly Buffer[], at: ExecuteContext): ScriptExecuteArgs {
  if (argv.length < 3) throw namedArity('AI.SCRIPTEXECUTE');
  const fn = argv[2]!.toString();
  const c = new ArgCursor(argv, 3);
  const found: Partial<Record<Exclude<ScriptSection, 'TIMEOUT'>, Buffer[]>> = {};
  let timeoutMs = 0;
  let first = true;
  while (!c.atEnd()) {
    const word = c.next()!;
    const section = sectionOf(word);
    if (!section) throw new ReplyError(`Invalid AI.SCRIPTEXECUTE command. Unexpected argument: ${word.toString()}`);
    if (first && section !== 'KEYS' && section !== 'INPUTS') {
      throw new ReplyError('KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command');
    }
    first = false;
    if (section === 'TIMEOUT') {
      timeoutMs = timeoutArg(c.next(), 'No value provided for TIMEOUT in AI.SCRIPTEXECUTE');
      if (!c.atEnd()) throw new ReplyError(`Invalid AI.SCRIPTEXECUTE command. Unexpected argument: ${c.peek()!.toString()}`);
      break;
    }
    if (found[section]) throw new ReplyError(`Already Encountered ${section} scope in AI.SCRIPTEXECUTE command`);
    found[section] = section === 'KEYS' ? keysSection(c, at) : countedSection(c, section);
  }
  if (first) throw new ReplyError('KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command');
  rejectTimeoutInDag(timeoutMs, at);
  return {
    fn,
    keys: found.KEYS ?? [],
    inputs: found.INPUTS ?? [],
    args: found.ARGS ?? [],
    outputs: found.OUTPUTS ?? [],
    timeoutMs,
  };
}

function keysSection(c: ArgCursor, at: ExecuteContext): Buffer[] {
  if (at.inDag) throw new ReplyError('Already encountered KEYS scope in current command');
  if (c.remaining() < 2) throw new ReplyError('Missing arguments after KEYS keyword');
  const n = c.nextCount();
  if (n === undefined) throw new ReplyError('Invalid or negative value found in number of KEYS');
  if (c.remaining() < n) {
    throw new ReplyError('Number of pre declared KEYS to be used in the command does not match the number of given arguments');
  }
  return c.take(n);
}

const SECTION_WORDS: Record<'INPUTS' | 'ARGS' | 'OUTPUTS', { count: string; items: string }> = {
  INPUTS: { count: 'inputs', items: 'input keys' },
  ARGS: { count: 'args', items: 'arguments' },
  OUTPUTS: { count: 'outputs', items: 'output keys' },
};

function countedSection(c: ArgCursor, section: 'INPUTS' | 'ARGS' | 'OUTPUTS'): Buffer[] {
  const words = SECTION_WORDS[section];
  if (c.atEnd()) throw new ReplyError('Invalid arguments provided to AI.SCRIPTEXECUTE');
  const n = c.nextCount();
  if (n === undefined) throw new ReplyError(`Invalid argument for ${words.count} count in AI.SCRIPTEXECUTE`);
  if (c.remaining() < n) {
    throw new ReplyError(`number of ${words.items} to AI.SCRIPTEXECUTE command does not match the number of given arguments`);
  }
  return c.take(n);
}
