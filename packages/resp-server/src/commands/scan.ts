import { ReplyError, TYPE_NAMES, type ValueKind } from '@modelkv/core';
import { isWord, parseStrictInt, syntaxError } from '../args.js';
import { command } from '../command-table.js';

const KIND_BY_TYPE = new Map<string, ValueKind>(
  (Object.entries(TYPE_NAMES) as [ValueKind, string][]).map(([kind, name]) => [name.toLowerCase(), kind]),
);

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
export const scan = command({
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  group: 'generic',
  since: '2.8.0',
  summary: 'Iterates over the key names in the database.',
  handler(ctx, argv) {
    const cursorText = argv[1]!.toString('latin1');
    if (!/^\d{1,20}$/.test(cursorText) || !Number.isSafeInteger(Number(cursorText))) {
      throw new ReplyError('invalid cursor');
    }
    let match: Buffer | undefined;
    let count = 10;
    let typeName: string | undefined;
    for (let i = 2; i < argv.length; i += 2) {
      const value = argv[i + 1];
      if (value === undefined) throw syntaxError();
      if (isWord(argv[i], 'MATCH')) match = value;
      else if (isWord(argv[i], 'COUNT')) {
        const n = parseStrictInt(value);
        if (n === undefined) throw new ReplyError('value is not an integer or out of range');
        if (n < 1) throw syntaxError();
        count = n;
      } else if (isWord(argv[i], 'TYPE')) typeName = value.toString().toLowerCase();
      else throw syntaxError();
    }
    const kind = typeName === undefined ? undefined : KIND_BY_TYPE.get(typeName);
    const result = ctx.engine.scan(Number(cursorText), { count, match, type: kind });
    // A type no value here has (string, list, ...) matches nothing, but the walk goes on.
    const found = typeName !== undefined && kind === undefined ? [] : result.keys;
    ctx.reply.array(2);
    ctx.reply.bulkLatin1(String(result.cursor));
    ctx.reply.array(found.length);
    for (const k of found) ctx.reply.bulkLatin1(k);
  },
});
