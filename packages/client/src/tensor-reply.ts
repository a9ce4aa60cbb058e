import { type DType, isDType } from './dtype.js';
import { UnexpectedReplyError } from './errors.js';
import { field, isFieldName, replyFields } from './fields.js';
import { replyArray, replyInteger, replyText } from './reply.js';
import { decodeBlob, decodeValues } from './tensor-codec.js';
import type { BlobTensor, TensorFormat, TensorMeta, ValuesTensor } from './types.js';

/**
 * A tensor as AI.TENSORGET answers it with its dtype and shape: v0.9's `[dtype, [dims], data]`,
 * or 1.x's `dtype d shape [dims] [blob|values data]` (TENSORGET with META, and DAG steps).
 */
export function decodeTensorReply(reply: unknown, format: TensorFormat | undefined, what: string): TensorMeta | BlobTensor | ValuesTensor {
  const parts = replyArray(reply, what);
  let dtypeReply: unknown;
  let shapeReply: unknown;
  let data: unknown;
  let hasData: boolean;
  if (isFieldName(parts[0], 'dtype')) {
    const fields = replyFields(parts, what);
    dtypeReply = field(fields, 'dtype', what);
    shapeReply = field(fields, 'shape', what);
    hasData = fields.has('blob') || fields.has('values');
    data = fields.has('values') ? fields.get('values') : fields.get('blob');
  } else {
    [dtypeReply, shapeReply, data] = parts;
    hasData = parts.length > 2;
  }
  const dtype = replyDType(dtypeReply, what);
  const shape = replyArray(shapeReply, `${what} shape`).map((d) => replyInteger(d, `${what} shape`));
  if (format === 'META' || !hasData) return { dtype, shape };
  if (format === 'VALUES' || Array.isArray(data)) {
    return { dtype, shape, data: decodeValues(dtype, replyArray(data, `${what} VALUES`)) };
  }
  return { dtype, shape, data: decodeBlob(dtype, data) };
}

function replyDType(value: unknown, what: string): DType {
  const word = replyText(value, `${what} dtype`).toUpperCase();
  if (!isDType(word)) throw new UnexpectedReplyError(`${what}: unknown dtype '${word}' in reply`);
  return word;
}
