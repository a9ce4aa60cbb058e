// What the kill -9 test and its writer process share: the log format, digests, the seeded
// generator, and the model the writer uploads.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { E2E_ROOT } from './harness.js';

export interface LogLine {
  readonly key: string;
  /** `intent`: about to be sent; `ack`: the server answered OK. */
  readonly event: 'intent' | 'ack';
  readonly kind: 'tensor' | 'model' | 'run';
  /** sha256 of dtype|shape|bytes (tensors, run outputs once read back) or of the model blob. */
  readonly digest?: string;
  /** For runs: the model and input keys. */
  readonly model?: string;
  readonly input?: string;
}

export const MODEL_FILE = join(E2E_ROOT, 'models/onnx/mnist_cnn.onnx');
export const INPUT_FILE = join(E2E_ROOT, 'models/onnx/mnist_cnn.in0.bin');
export const INPUT_SHAPE = ['4', '1', '28', '28'];
export function tensorDigest(dtype: string, shape: readonly (string | number)[], blob: Buffer): string {
  return createHash('sha256')
    .update(`${dtype}|${shape.join(',')}|`)
    .update(blob)
    .digest('hex');
}

export function blobDigest(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('hex');
}

/** mulberry32: a small seeded generator, so a failing round can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
