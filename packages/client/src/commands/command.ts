import type { RedisModules } from '@redis/client';

/** A node-redis command definition: how arguments become the wire array, and what the reply becomes. */
export type Command = RedisModules[string][string];

/** The reply of commands that answer `+OK`, left as node-redis decodes it. */
export type OkReply = 'OK';
