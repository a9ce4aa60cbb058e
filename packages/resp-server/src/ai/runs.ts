import { type Key, type Tensor, isRunWaitTimedOut } from '@modelkv/core';
import type { CommandContext } from '../context.js';

/**
 * Replies to a run: `OK` once it has stored its outputs, or the simple string `TIMEDOUT` when
 * it waited in its queue longer than its TIMEOUT, as RedisAI 1.2 answers.
 */
export async function answerRun(ctx: CommandContext, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!isRunWaitTimedOut(err)) throw err;
    ctx.reply.simple('TIMEDOUT');
    return;
  }
  ctx.reply.ok();
}

/** The tensors at INPUTS keys; `emptyMessage` words the error for a key without a value. */
export function inputTensors(ctx: CommandContext, keys: readonly Key[], emptyMessage: string): Tensor[] {
  return keys.map((k) => ctx.engine.inputTensor(k, emptyMessage));
}
