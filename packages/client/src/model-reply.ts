import { field, isFieldName, replyFields, replyStrings } from './fields.js';
import { replyArray, replyBuffer, replyInteger, replyText } from './reply.js';
import type { Backend, Device, ModelMeta, ModelReply } from './types.js';

const WHAT = 'AI.MODELGET';

/** A blob sent whole, or as the chunks of MODEL_CHUNK_SIZE (an array), joined. */
export function replyBlob(value: unknown, what: string): Buffer {
  if (Array.isArray(value)) return Buffer.concat(value.map((chunk) => replyBuffer(chunk, what)));
  return replyBuffer(value, what);
}

function metaOf(fields: ReadonlyMap<string, unknown>): ModelMeta {
  const integer = (name: string): number => replyInteger(field(fields, name, WHAT), `${WHAT} ${name}`);
  return {
    backend: replyText(field(fields, 'backend', WHAT), `${WHAT} backend`) as Backend,
    device: replyText(field(fields, 'device', WHAT), `${WHAT} device`) as Device,
    tag: replyText(field(fields, 'tag', WHAT), `${WHAT} tag`),
    batching: { batchSize: integer('batchsize'), minBatchSize: integer('minbatchsize'), minBatchTimeout: integer('minbatchtimeout') },
    inputs: replyStrings(field(fields, 'inputs', WHAT), `${WHAT} inputs`),
    outputs: replyStrings(field(fields, 'outputs', WHAT), `${WHAT} outputs`),
  };
}

/** AI.MODELGET META's field/value reply. */
export function decodeModelMeta(reply: unknown): ModelMeta {
  return metaOf(replyFields(reply, WHAT));
}

/** v0.9's `[backend, device, blob]`, or 1.x's settings with a `blob` field. */
export function decodeModelReply(reply: unknown): ModelReply {
  const parts = replyArray(reply, WHAT);
  if (!isFieldName(parts[0], 'backend')) {
    const [backend, device, blob] = parts;
    return {
      backend: replyText(backend, `${WHAT} backend`) as Backend,
      device: replyText(device, `${WHAT} device`) as Device,
      blob: replyBlob(blob, `${WHAT} blob`),
    };
  }
  const fields = replyFields(parts, WHAT);
  return { ...metaOf(fields), blob: replyBlob(field(fields, 'blob', WHAT), `${WHAT} blob`) };
}
