import type { CommandParser } from '@redis/client';
import { type DagReply, type DagRequest, decodeDagReply, pushDag } from '../dag.js';
import type { Command } from './command.js';

/**
 * `AI.DAGEXECUTE [LOAD n k...] [PERSIST n k...] [KEYS n k...] [ROUTING k] [TIMEOUT ms] |> step...`
 * (RedisAI 1.2). Build the request with `new Dag(options).tensorSet(...)...request()`.
 */
export default {
  IS_READ_ONLY: false,
  parseCommand(parser: CommandParser, request: DagRequest) {
    parser.push('AI.DAGEXECUTE');
    pushDag(parser, request);
  },
  transformReply(reply: unknown, formats?: unknown): DagReply<unknown[]> {
    return decodeDagReply(reply, formats);
  },
} as const satisfies Command;
