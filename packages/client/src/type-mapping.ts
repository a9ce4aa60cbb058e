import { RESP_TYPES } from '@redis/client';

/**
 * How replies of the AI commands must be decoded to lose nothing: bulk strings as Buffers (tensor
 * blobs, model blobs), integers and doubles as their text (INT64 values past 2^53, and doubles,
 * which node-redis would otherwise sum digit by digit and round). The command definitions parse
 * that text themselves.
 */
export const AI_TYPE_MAPPING = {
  [RESP_TYPES.BLOB_STRING]: Buffer,
  [RESP_TYPES.NUMBER]: String,
  [RESP_TYPES.BIG_NUMBER]: String,
  [RESP_TYPES.DOUBLE]: String,
} as const;
