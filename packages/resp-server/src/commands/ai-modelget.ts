import { parseModelGetFormat, writeModel, writeModelLegacy } from '../ai/model-reply.js';
import { aiCommand, wrongArity } from '../command-table.js';
import { compatOf, emptyKeyMessage } from '../compat.js';

/**
 * AI.MODELGET key [META] [BLOB]. With the key alone, 0.9 mode answers `[backend, device, blob]`;
 * 1.2 mode, and any request with META or BLOB, gets 1.2's field/value reply.
 */
export const aiModelget = aiCommand({
  name: 'ai.modelget',
  arity: -2,
  flags: ['readonly', 'module'],
  keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0 } } }],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'meta', type: 'pure-token', token: 'META', optional: true, since: '1.0.0' },
    { name: 'blob', type: 'pure-token', token: 'BLOB', optional: true },
  ],
  summary: "Returns a model's metadata and blob.",
  handler(ctx, argv) {
    if (argv.length > 4) throw wrongArity(ctx.command, argv);
    const m = ctx.engine.modelGet(argv[1]!, emptyKeyMessage(ctx, 'modelget'));
    if (argv.length === 2 && compatOf(ctx) === '0.9') {
      writeModelLegacy(ctx.reply, m);
      return;
    }
    writeModel(ctx.reply, m, parseModelGetFormat(argv.slice(2)), ctx.server.config.settings.modelChunkSize);
  },
});
