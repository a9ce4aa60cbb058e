import { ReplyError, type ScriptSetArgs } from '@modelkv/core';
import type { ArityError } from './arity.js';
import { ArgCursor } from './arg-cursor.js';
import { deviceArg } from './model-args.js';

function tagArg(c: ArgCursor): string | undefined {
  if (!c.advanceIf('TAG')) return undefined;
  const t = c.next();
  if (t === undefined) throw new ReplyError('Insufficient arguments, missing script SOURCE');
  return t.toString();
}

/** `AI.SCRIPTSET key device [TAG tag] [SOURCE] source`: 0.9's form (source last) and 1.x's. */
export function parseScriptSet(argv: readonly Buffer[], arity: ArityError): ScriptSetArgs {
  const device = deviceArg(argv[2]!);
  const c = new ArgCursor(argv, 3);
  const tag = tagArg(c);
  // One argument left is the source, even if it reads SOURCE; otherwise SOURCE comes before it.
  if (c.remaining() > 1 && !c.advanceIf('SOURCE')) throw arity();
  if (c.remaining() !== 1) {
    if (c.atEnd()) throw new ReplyError('Insufficient arguments, missing script SOURCE');
    throw arity();
  }
  return { device, ...(tag === undefined ? {} : { tag }), source: c.next()!.toString('utf8') };
}

/**
 * `AI.SCRIPTSTORE key device [TAG tag] ENTRY_POINTS n fn... SOURCE source`, read as RedisAI 1.2
 * reads it, with its error words.
 */
export function parseScriptStore(argv: readonly Buffer[], arity: ArityError): ScriptSetArgs {
  if (argv.length < 8) throw arity();
  const device = deviceArg(argv[2]!);
  const c = new ArgCursor(argv, 3);
  const tag = tagArg(c);
  if (!c.advanceIf('ENTRY_POINTS')) throw new ReplyError('Insufficient arguments, missing script entry points');
  const n = c.nextCount();
  if (n === undefined) throw new ReplyError('Non numeric entry points number provided to AI.SCRIPTSTORE command');
  if (c.remaining() < n) throw new ReplyError('Insufficient arguments, missing script entry points');
  const entryPoints = c.take(n).map((b) => b.toString());
  if (!c.advanceIf('SOURCE') || c.atEnd()) throw new ReplyError('Insufficient arguments, missing script SOURCE');
  const source = c.next()!.toString('utf8');
  if (!c.atEnd()) throw arity();
  return { device, ...(tag === undefined ? {} : { tag }), entryPoints, source };
}
