import { ReplyError } from '@modelkv/core';
import { isWord } from '../args.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { KeyFlag } from '../key-specs.js';

/**
 * AI.INFO reads the key's statistics; with RESETSTAT it changes them, which other clients read:
 * an ACL user then needs write permission on the key, not read permission.
 */
const RESET = KeyFlag.RW | KeyFlag.UPDATE;

/** AI.INFO key [RESETSTAT]: the flat 16-element run statistics, or OK after a reset. */
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
    const info = ctx.engine.info(argv[1]!);
    const r = ctx.reply;
    r.array(16);
    r.simple('KEY');
    r.bulkLatin1(info.key);
    r.simple('TYPE');
    r.simple(info.type);
    r.simple('BACKEND');
    r.simple(info.backend);
    r.simple('DEVICE');
    r.simple(info.device);
    r.simple('DURATION');
    r.integer(info.durationUs);
    r.simple('SAMPLES');
    r.integer(info.samples);
    r.simple('CALLS');
    r.integer(info.calls);
    r.simple('ERRORS');
    r.integer(info.errors);
  },
});
