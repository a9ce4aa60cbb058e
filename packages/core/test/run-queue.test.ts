import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import type { RunOptions } from '../src/backend.js';
import { type QueuedRun, RunDropped, RunInterrupted, RunQueue, RunTimedOut, isRunWaitTimedOut } from '../src/run-queue.js';

/** A run whose outcome the test decides; it records when it was handed over and how often. */
class Manual {
  calls = 0;
  options: RunOptions | undefined;
  done = 0;
  private settle: ((err?: Error) => void) | undefined;

  run(extra: Partial<QueuedRun<string>> = {}): QueuedRun<string> {
    return {
      label: 'run',
      timeoutMs: 0,
      timeoutMessage: 'timed out',
      exec: (options) => {
        this.calls++;
        this.options = options;
        return new Promise<string>((resolve, reject) => {
          this.settle = (err) => {
            if (err) reject(err);
            else resolve(`done ${this.calls}`);
          };
        });
      },
      onDone: () => {
        this.done++;
      },
      ...extra,
    };
  }

  finish(err?: Error): void {
    this.settle!(err);
  }
}

test('runs start in order, as many at once as there are slots', async () => {
  const q = new RunQueue('X:CPU', { slots: 2 });
  const runs = [new Manual(), new Manual(), new Manual()];
  const results = runs.map((m) => q.submit(m.run()));
  assert.deepEqual(
    runs.map((m) => m.calls),
    [1, 1, 0],
  );
  assert.equal(q.running, 2);
  assert.equal(q.depth, 1);
  runs[1]!.finish();
  assert.equal(await results[1], 'done 1');
  assert.equal(runs[2]!.calls, 1, 'the third starts when a slot frees');
  runs[0]!.finish();
  runs[2]!.finish();
  await Promise.all(results);
  assert.equal(q.running, 0);
  assert.deepEqual(
    runs.map((m) => m.done),
    [1, 1, 1],
  );
});

test('with lookahead, runs are handed over early but start (for their deadline) only when a slot frees', async () => {
  const q = new RunQueue('X:CPU', { slots: 1, lookahead: 1 });
  const runs = [new Manual(), new Manual(), new Manual()];
  const results = runs.map((m) => q.submit(m.run({ timeoutMs: 60_000 })));
  assert.deepEqual(
    runs.map((m) => m.calls),
    [1, 1, 0],
  );
  assert.equal(q.running, 1);
  assert.equal(q.depth, 2);
  runs[0]!.finish();
  await results[0];
  assert.equal(runs[2]!.calls, 1);
  assert.equal(q.running, 1);
  runs[1]!.finish();
  runs[2]!.finish();
  await Promise.all(results);
});

test('a run whose client has gone before it started is dropped, never executed', async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const first = new Manual();
  const second = new Manual();
  const gone = new AbortController();
  const a = q.submit(first.run());
  const b = q.submit(second.run({ signal: gone.signal }));
  gone.abort();
  await assert.rejects(b, RunDropped);
  assert.equal(second.done, 1);
  first.finish();
  await a;
  assert.equal(second.calls, 0);
  const already = new AbortController();
  already.abort();
  await assert.rejects(q.submit(new Manual().run({ signal: already.signal })), RunDropped);
});

test('a run that has started completes although its client has gone', async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const m = new Manual();
  const gone = new AbortController();
  const p = q.submit(m.run({ signal: gone.signal }));
  gone.abort();
  m.finish();
  assert.equal(await p, 'done 1');
  assert.equal(m.options?.signal, gone.signal, 'the executor sees the signal');
});

test('a run past its time limit is answered at the deadline; its slot frees only when it settles', async () => {
  const overruns: string[] = [];
  const q = new RunQueue('X:CPU', { slots: 1, graceMs: 10, onOverrun: (label) => overruns.push(label) });
  const slow = new Manual();
  const next = new Manual();
  const a = q.submit(slow.run({ timeoutMs: 20, timeoutMessage: 'model execution timed out after 20 ms', label: "model 'm'" }));
  const b = q.submit(next.run());
  await assert.rejects(a, (e: unknown) => e instanceof RunTimedOut && e.message === 'model execution timed out after 20 ms');
  assert.equal(slow.options?.timeoutMs, 20, 'the backend is told its time limit');
  assert.equal(next.calls, 0, 'the slot is still taken');
  while (overruns.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(overruns, ["model 'm'"]);
  assert.equal(slow.done, 0);
  slow.finish();
  await tick();
  assert.equal(slow.done, 1);
  assert.equal(next.calls, 1);
  next.finish();
  await b;
});

test('interrupted runs: those not started go again, started ones only once and only when innocent', async () => {
  const q = new RunQueue('X:CPU', { slots: 1, lookahead: 1 });
  const [a, b, c] = [new Manual(), new Manual(), new Manual()];
  const pa = q.submit(a.run());
  const pb = q.submit(b.run());
  q.pause();
  a.finish(new RunInterrupted('died while running', true));
  b.finish(new RunInterrupted('died while running', false));
  await tick();
  assert.equal(q.running, 0);
  const pc = q.submit(c.run());
  assert.equal(c.calls, 0, 'nothing is handed over while paused');
  q.resume();
  assert.deepEqual([a.calls, b.calls, c.calls], [2, 2, 0], 'both go again, in order');
  a.finish(new RunInterrupted('died again', true));
  await assert.rejects(pa, /died again/);
  b.finish();
  assert.equal(await pb, 'done 2');
  await tick();
  c.finish(new RunInterrupted('died while running', false));
  await assert.rejects(pc, /died while running/);
});

test('failWaiting fails the runs not handed over; the others are left to their executor', async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const [a, b] = [new Manual(), new Manual()];
  const pa = q.submit(a.run());
  const pb = q.submit(b.run());
  q.failWaiting(new Error('cannot start'));
  await assert.rejects(pb, /cannot start/);
  assert.equal(b.done, 1);
  a.finish();
  assert.equal(await pa, 'done 1');
});

test('a run still waiting when its TIMEOUT passes is dropped with RunWaitTimedOut; one handed over is not', async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const [first, waiting, quick] = [new Manual(), new Manual(), new Manual()];
  const a = q.submit(first.run({ waitTimeoutMs: 5 }));
  const b = q.submit(waiting.run({ waitTimeoutMs: 5 }));
  await assert.rejects(b, (e: unknown) => isRunWaitTimedOut(e) && e.timeoutMs === 5);
  assert.equal(waiting.calls, 0, 'never executed');
  assert.equal(waiting.done, 1);
  await new Promise((r) => setTimeout(r, 10));
  first.finish();
  assert.equal(await a, 'done 1', 'started at once: its TIMEOUT no longer counts');
  const c = q.submit(quick.run({ waitTimeoutMs: 5 }));
  quick.finish();
  assert.equal(await c, 'done 1');
});

test('a run that must not go ahead is handed over only when a slot is free for it, holding back those after it', async () => {
  const q = new RunQueue('X:CPU', { slots: 1, lookahead: 1 });
  const [a, b, c] = [new Manual(), new Manual(), new Manual()];
  const pa = q.submit(a.run());
  const pb = q.submit(b.run({ ahead: false }));
  const pc = q.submit(c.run());
  assert.deepEqual(
    [a, b, c].map((m) => m.calls),
    [1, 0, 0],
  );
  a.finish();
  await pa;
  assert.deepEqual(
    [b, c].map((m) => m.calls),
    [1, 1],
    'b starts at once; c is handed over ahead of its slot',
  );
  b.finish();
  c.finish();
  await Promise.all([pb, pc]);
});

test('resize: more slots start waiting runs at once', async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const runs = [new Manual(), new Manual(), new Manual()];
  const results = runs.map((m) => q.submit(m.run()));
  assert.deepEqual([q.running, q.depth], [1, 2]);
  q.resize(3);
  assert.deepEqual([q.running, q.depth], [3, 0]);
  for (const m of runs) m.finish();
  await Promise.all(results);
});

test('with lookahead, a run with a TIMEOUT is not handed over ahead: its TIMEOUT covers all of its wait', async () => {
  const q = new RunQueue('X:CPU', { slots: 1, lookahead: 1 });
  const [first, timed] = [new Manual(), new Manual()];
  const a = q.submit(first.run());
  const b = q.submit(timed.run({ waitTimeoutMs: 5 }));
  await assert.rejects(b, (e: unknown) => isRunWaitTimedOut(e));
  assert.equal(timed.calls, 0);
  first.finish();
  await a;
});

test('runs share one deadline timer: each is answered at its own deadline, never before it', async () => {
  const q = new RunQueue('X:CPU', { slots: 2, graceMs: 60_000 });
  // The timer is armed for the first run's deadline; that run settles long before it.
  const early = new Manual();
  const pe = q.submit(early.run({ timeoutMs: 40 }));
  early.finish();
  assert.equal(await pe, 'done 1');
  await new Promise((r) => setTimeout(r, 20));
  // Started later, so due later than the timer: the timer firing must not answer it.
  const late = new Manual();
  const lateStart = performance.now();
  const pl = q.submit(late.run({ timeoutMs: 40 }));
  // Due sooner than the armed timer: it must not wait for that one.
  const slow = new Manual();
  const pSlow = q.submit(slow.run({ timeoutMs: 60_000 }));
  q.resize(3);
  const quick = new Manual();
  const quickStart = performance.now();
  const pq = q.submit(quick.run({ timeoutMs: 5 }));
  await assert.rejects(pq, RunTimedOut);
  assert.ok(performance.now() - quickStart >= 4, 'not answered before its deadline');
  await assert.rejects(pl, RunTimedOut);
  assert.ok(performance.now() - lateStart >= 39, 'not answered before its deadline');
  assert.equal(slow.calls, 1);
  for (const m of [late, quick, slow]) m.finish();
  assert.equal(await pSlow, 'done 1', 'a run that settles before its deadline is answered with its outcome');
});

test("one client's signal, shared by its runs, drops only those still waiting when it aborts", async () => {
  const q = new RunQueue('X:CPU', { slots: 1 });
  const gone = new AbortController();
  const [running, waiting, other] = [new Manual(), new Manual(), new Manual()];
  const pr = q.submit(running.run({ signal: gone.signal }));
  const pw = q.submit(waiting.run({ signal: gone.signal }));
  const po = q.submit(other.run());
  gone.abort();
  await assert.rejects(pw, RunDropped);
  assert.equal(waiting.calls, 0);
  running.finish();
  assert.equal(await pr, 'done 1');
  await tick();
  other.finish();
  assert.equal(await po, 'done 1');
});
