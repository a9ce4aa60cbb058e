import type { CommandParser } from '@redis/client';
import { type DagReply, type DagRequest, decodeDagReply, pushDag } from '../dag.js';
import type { Command } from './command.js';

/** `AI.DAGEXECUTE_RO [LOAD n k...] [KEYS n k...] [ROUTING k] [TIMEOUT ms] |> step...`: no PERSIST, no script steps. */
export default {
  IS_READ_ONLY: true,
  parseCommand(parser: CommandParser, request: DagRequest) {
    parser.push('AI.DAGEXECUTE_RO');
    pushDag(parser, request);
  },
  transformReply(reply: unknown, formats?: unknown): DagReply<unknown[]> {
    return decodeDagReply(reply, formats);
  },
} as const satisfies Command;
