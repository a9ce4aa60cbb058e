import { ReplyError, type RunInfo } from '@modelkv/core';
import { isWord } from '../args.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { type Compat, compatOf } from '../compat.js';
import type { RespWriter } from '../resp-writer.js';
import { KeyFlag } from '../key-specs.js';

/**
 * AI.INFO reads the key's statistics; with RESETSTAT it changes them, which other clients read:
 * an ACL user then needs write permission on the key, not read permission.
 */
const RESET = KeyFlag.RW | KeyFlag.UPDATE;

/**
 * The run statistics as field/value pairs: 0.9's 16 elements (simple-string names in upper case)
 * or 1.2's 18 (bulk names in lower case, with the tag).
 */
function writeInfo(r: RespWriter, info: RunInfo, compat: Compat): void {
  const legacy = compat === '0.9';
  const name = (n: string): void => {
    if (legacy) r.simple(n.toUpperCase());
    else r.bulkString(n);
  };
  const text = (v: string): void => {
    if (legacy) r.simple(v);
    else r.bulkString(v);
  };
  r.array(legacy ? 16 : 18);
  name('key');
  r.bulkLatin1(info.key);
  name('type');
  text(info.type);
  name('backend');
  text(info.backend);
  name('device');
  text(info.device);
  if (!legacy) {
    name('tag');
    text(info.tag);
  }
  name('duration');
  r.integer(info.durationUs);
  name('samples');
  r.integer(info.samples);
  name('calls');
  r.integer(info.calls);
  name('errors');
  r.integer(info.errors);
}

/** AI.INFO key [RESETSTAT]: run statistics in the shape of the compat mode, or OK after a reset. */
export const aiInfo = aiCommand({
  name: 'ai.info',
  arity: -2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access', 'variable_flags'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  keys: (argv, specs) => [
    { pos: 1, key: argv[1]!, flags: isWord(argv[2], 'RESETSTAT') ? RESET : specs[0]!.bits & ~KeyFlag.VARIABLE_FLAGS },
  ],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'resetstat', type: 'pure-token', token: 'RESETSTAT', optional: true },
  ],
  summary: 'Returns run statistics of a model or script, or resets them.',
  handler(ctx, argv) {
    if (argv.length > 3) throw wrongArity(ctx.command, argv);
    if (argv.length === 3) {
      if (!isWord(argv[2], 'RESETSTAT')) throw new ReplyError(`unknown argument '${argv[2]!.toString()}': expected RESETSTAT`);
      ctx.engine.resetStat(argv[1]!);
      ctx.reply.ok();
      return;
    }
    writeInfo(ctx.reply, ctx.engine.info(argv[1]!), compatOf(ctx));
  },
});
