import { field, isFieldName, replyFields, replyStrings } from './fields.js';
import { replyArray, replyText } from './reply.js';
import type { Device, ScriptMeta, ScriptReply } from './types.js';

const WHAT = 'AI.SCRIPTGET';

function metaOf(fields: ReadonlyMap<string, unknown>): ScriptMeta {
  const entryPoints = fields.get('entry points');
  return {
    device: replyText(field(fields, 'device', WHAT), `${WHAT} device`) as Device,
    tag: replyText(field(fields, 'tag', WHAT), `${WHAT} tag`),
    // Servers before RedisAI 1.2.5, and scripts stored with AI.SCRIPTSET, list none.
    entryPoints: entryPoints === undefined ? [] : replyStrings(entryPoints, `${WHAT} entry points`),
  };
}

/** AI.SCRIPTGET META's field/value reply. */
export function decodeScriptMeta(reply: unknown): ScriptMeta {
  return metaOf(replyFields(reply, WHAT));
}

/** v0.9's `[device, source]`, or 1.x's settings with a `source` field. */
export function decodeScriptReply(reply: unknown): ScriptReply {
  const parts = replyArray(reply, WHAT);
  if (!isFieldName(parts[0], 'device')) {
    const [device, source] = parts;
    return { device: replyText(device, `${WHAT} device`) as Device, source: replyText(source, `${WHAT} source`) };
  }
  const fields = replyFields(parts, WHAT);
  return { ...metaOf(fields), source: replyText(field(fields, 'source', WHAT), `${WHAT} source`) };
}
