import { ReplyError } from '@modelkv/core';

/** The argument types RedisAI 1.2 passes to an entry point: tensors, key names, string arguments. */
const ENTRY_POINT_ARGS = ['List[Tensor]', 'List[str]', 'List[str]'] as const;

/** A function of a compiled script and its arguments' TorchScript types, e.g. `List[Tensor]`. */
export interface FunctionSignature {
  readonly name: string;
  readonly argTypes: readonly string[];
}

/**
 * Refuses a script unless each entry point exists and takes `(List[Tensor], List[str],
 * List[str])`, in RedisAI 1.2's words, checked in the order the entry points were given.
 */
export function checkEntryPoints(functions: readonly FunctionSignature[], entryPoints: readonly string[]): void {
  for (const name of entryPoints) {
    const fn = functions.find((f) => f.name === name);
    if (fn === undefined) throw new ReplyError(`Function ${name} does not exist in the given script.`);
    if (fn.argTypes.length !== ENTRY_POINT_ARGS.length) {
      throw new ReplyError(`Wrong number of inputs in function ${name}. Expected ${ENTRY_POINT_ARGS.length} but was ${fn.argTypes.length}`);
    }
    if (fn.argTypes.some((type, i) => type !== ENTRY_POINT_ARGS[i])) {
      throw new ReplyError(
        `Wrong inputs type in function ${name}. Expected signature similar to: ` +
          `def ${name}(tensors: List[Tensor], keys: List[str], args: List[str])`,
      );
    }
  }
}
