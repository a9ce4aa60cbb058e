import { type DType, Tensor } from '@modelkv/core';
import type { NativeTensor } from './addon.js';

/**
 * Wraps an addon output as a core tensor without copying: the Buffer is a view of libtorch's
 * memory that keeps the libtorch tensor alive. Size limits are the engine's to apply.
 */
export function fromNative(t: NativeTensor): Tensor {
  return Tensor.fromBlob(t.dtype as DType, t.shape, t.data, Number.MAX_SAFE_INTEGER);
}
