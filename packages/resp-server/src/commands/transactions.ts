import { ReplyError, keyString } from '@modelkv/core';
import { command } from '../command-table.js';
import { exclusively } from '../exec-gate.js';

const TX = { group: 'server', categories: ['@fast', '@transaction'] } as const;

export const multi = command({
  ...TX,
  name: 'multi',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  since: '1.2.0',
  summary: 'Starts a transaction.',
  handler(ctx) {
    if (ctx.tx.active) throw new ReplyError('MULTI calls can not be nested');
    ctx.tx.begin();
    ctx.reply.ok();
  },
});

/**
 * EXEC: runs the queued commands in order, their replies in one array. A transaction whose
 * commands include a run (or anything else that waits on the engine) runs alone: other clients'
 * commands wait until EXEC replies, as in Redis. Runs other clients started before it are not
 * waited for: one finishing meanwhile stores its outputs then (its reply waits for the
 * transaction's end). The writes reach the append-only file as one MULTI ... EXEC block.
 */
export const exec = command({
  ...TX,
  name: 'exec',
  arity: 1,
  flags: ['noscript', 'loading', 'stale'],
  categories: ['@slow', '@transaction'],
  since: '1.2.0',
  summary: 'Executes all commands in a transaction.',
  waits: true,
  async handler(ctx) {
    const tx = ctx.tx;
    if (!tx.active) throw new ReplyError('EXEC without MULTI');
    const queued = tx.take();
    if (tx.aborted) {
      tx.aborted = false;
      ctx.server.watches.unwatchAll(tx);
      throw new ReplyError('Transaction discarded because of previous errors.', 'EXECABORT');
    }
    const alone = queued.some((q) => q.spec.waits);
    const run = async (): Promise<void> => {
      const dirty = tx.dirty;
      ctx.server.watches.unwatchAll(tx);
      if (dirty) {
        ctx.reply.nullArray();
        return;
      }
      const store = ctx.engine.keyspace;
      ctx.reply.array(queued.length);
      store.beginGroup();
      try {
        for (const q of queued) {
          const waiting = ctx.runQueued(q);
          if (waiting) await waiting;
        }
      } finally {
        store.endGroup();
      }
    };
    if (alone) await exclusively(ctx.server.gate, ctx, run);
    else await run();
  },
});

export const discard = command({
  ...TX,
  name: 'discard',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  since: '2.0.0',
  summary: 'Discards a transaction.',
  handler(ctx) {
    if (!ctx.tx.active) throw new ReplyError('DISCARD without MULTI');
    ctx.tx.take();
    ctx.tx.aborted = false;
    ctx.server.watches.unwatchAll(ctx.tx);
    ctx.reply.ok();
  },
});

export const watch = command({
  ...TX,
  name: 'watch',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -1 } } }],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  since: '2.2.0',
  summary: 'Monitors changes to keys to determine the execution of a transaction.',
  handler(ctx, argv) {
    if (ctx.tx.active) throw new ReplyError('WATCH inside MULTI is not allowed');
    for (let i = 1; i < argv.length; i++) ctx.server.watches.watch(ctx.tx, keyString(argv[i]!));
    ctx.reply.ok();
  },
});

export const unwatch = command({
  ...TX,
  name: 'unwatch',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  since: '2.2.0',
  summary: 'Forgets about all watched keys.',
  handler(ctx) {
    ctx.server.watches.unwatchAll(ctx.tx);
    ctx.reply.ok();
  },
});
