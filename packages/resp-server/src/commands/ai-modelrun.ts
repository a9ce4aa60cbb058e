import { ReplyError } from '@modelkv/core';
import { answerRun, inputTensors } from '../ai/runs.js';
import { aiCommand } from '../command-table.js';
import { emptyKeyMessage } from '../compat.js';
import { parseRunKeys, runArguments, runKeySpecs, runKeys } from './run-keys.js';

/**
 * AI.MODELRUN key [TIMEOUT t] INPUTS k... OUTPUTS k...: the client waits, others are served
 * meanwhile. TF node-name counts are checked here; other count mismatches fail the queued run.
 */
export const aiModelrun = aiCommand({
  name: 'ai.modelrun',
  arity: -4,
  flags: ['write', 'denyoom', 'module'],
  keySpecs: runKeySpecs(2),
  keys: runKeys(2),
  arguments: runArguments([]),
  summary: 'Runs a model on input tensors and stores its outputs.',
  waits: true,
  async handler(ctx, argv) {
    const model = ctx.engine.model(argv[1]!, emptyKeyMessage(ctx, 'modelrun'));
    const { timeoutMs, inputs, outputs } = parseRunKeys(argv, 2);
    if (model.inputs.length > 0 && model.inputs.length !== inputs.length) {
      throw new ReplyError('Number of names given as INPUTS during MODELSET and keys given as INPUTS here do not match');
    }
    if (model.outputs.length > 0 && model.outputs.length !== outputs.length) {
      throw new ReplyError('Number of names given as OUTPUTS during MODELSET and keys given as OUTPUTS here do not match');
    }
    const tensors = inputTensors(ctx, inputs, emptyKeyMessage(ctx, 'input'));
    ctx.engine.assertTensorKeys(outputs);
    await answerRun(ctx, outputs, ctx.engine.runModel(model, tensors, outputs.length, { queueTimeoutMs: timeoutMs, signal: ctx.signal }));
  },
});
