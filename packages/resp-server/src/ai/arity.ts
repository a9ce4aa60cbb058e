import { ReplyError } from '@modelkv/core';

/**
 * RedisAI's own "wrong number of arguments" words, where its parsers name the command in capitals
 * whatever the client typed (AI.MODELEXECUTE, AI.SCRIPTEXECUTE, the steps of a DAG). The table's
 * arity errors, and RedisModule_WrongArity's, come from the command table's wrongArity.
 */
export function namedArity(name: string): ReplyError {
  return new ReplyError(`wrong number of arguments for '${name}' command`);
}

/** Makes the arity error of a request: the table's, or one of RedisAI's named ones. */
export type ArityError = () => ReplyError;
