import { writeScript, writeScriptLegacy } from '../ai/script-reply.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { compatOf, emptyKeyMessage } from '../compat.js';

/** AI.SCRIPTGET key [META] [SOURCE]: `[device, source]` for the key alone in 0.9 mode, 1.2's replies otherwise. */
export const aiScriptget = aiCommand({
  name: 'ai.scriptget',
  arity: -2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'meta', type: 'pure-token', token: 'META', optional: true, since: '1.0.0' },
    { name: 'source', type: 'pure-token', token: 'SOURCE', optional: true },
  ],
  summary: "Returns a script's device, tag, entry points and source.",
  handler(ctx, argv) {
    if (argv.length > 4) throw wrongArity(ctx.command, argv);
    const s = ctx.engine.scriptGet(argv[1]!, emptyKeyMessage(ctx, 'scriptget'));
    if (argv.length === 2 && compatOf(ctx) === '0.9') writeScriptLegacy(ctx.reply, s);
    else writeScript(ctx.reply, s, argv.slice(2));
  },
});
