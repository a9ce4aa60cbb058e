import { type Key, type Tensor, isRunWaitTimedOut } from '@modelkv/core';
import type { CommandContext } from '../context.js';

/**
 * Replies to a run: `OK` once its outputs are stored at `outputKeys`, or the simple string
 * `TIMEDOUT` when it waited in its queue longer than its TIMEOUT, as RedisAI 1.2 answers.
 */
export function answerRun(ctx: CommandContext, outputKeys: readonly Key[], run: Promise<readonly (Tensor | null)[]>): Promise<void> {
  return run.then(
    (outputs) => {
      ctx.engine.storeOutputs(outputKeys, outputs);
      ctx.reply.ok();
    },
    (err: unknown) => {
      if (!isRunWaitTimedOut(err)) throw err;
      ctx.reply.simple('TIMEDOUT');
    },
  );
}

/** The tensors at INPUTS keys; `emptyMessage` words the error for a key without a value. */
export function inputTensors(ctx: CommandContext, keys: readonly Key[], emptyMessage: string): Tensor[] {
  return keys.map((k) => ctx.engine.inputTensor(k, emptyMessage));
}
