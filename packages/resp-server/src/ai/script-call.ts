import { ReplyError, type ScriptCall, type StoredScript, type Tensor } from '@modelkv/core';
import type { ScriptExecuteArgs } from './execute-args.js';

/**
 * How AI.SCRIPTEXECUTE calls a function: an entry point (AI.SCRIPTSTORE) gets
 * `(tensors, keys, args)` as RedisAI 1.2 passes them; a function of an AI.SCRIPTSET script, which
 * declares no entry points, gets the tensors as its arguments.
 */
export function scriptExecuteCall(script: StoredScript, parsed: ScriptExecuteArgs, tensors: Tensor[]): ScriptCall {
  if (script.entryPoints.includes(parsed.fn)) {
    return {
      fn: parsed.fn,
      entryPoint: { tensors, keys: parsed.keys.map((k) => k.toString()), args: parsed.args.map((a) => a.toString()) },
    };
  }
  if (script.entryPoints.length > 0) throw new ReplyError(`function ${parsed.fn} is not an entry point of the script`);
  if (parsed.args.length > 0) throw new ReplyError('ARGS are passed to entry points only: store the script with AI.SCRIPTSTORE');
  return { fn: parsed.fn, inputs: tensors };
}
