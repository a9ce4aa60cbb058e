// Sends mutated models and scripts to a running server and watches that it survives: every
// MODELSET / SCRIPTSET gets a reply, a model or script that loads is run on its seed's inputs and
// deleted, and the server keeps answering PING. A crash is the server process exiting, or a
// command or PING left without a reply.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerHandle } from '../harness.js';
import { RespSocket, type RespReply } from '../resp-socket.js';
import { type Seed, type Target, corpus } from './corpus.js';
import { type Mutant, mutateBytes, mutateInZip, mutateScript } from './mutate.js';
import { Rng } from './rng.js';

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Where inputs that killed a backend process are written (none: not written). */
  readonly saveDir?: string;
  readonly onProgress?: (done: number) => void;
}

export interface FuzzReport {
  readonly target: Target;
  readonly cases: number;
  /** MODELSET / SCRIPTSET answered OK. */
  loaded: number;
  /** MODELSET / SCRIPTSET answered ERR. */
  refused: number;
  runsOk: number;
  runsErr: number;
  /** Replies saying a backend process died (and was restarted) on that request. */
  processDeaths: number;
  /** Mutation kinds that killed a backend process, with how often. */
  readonly deathKinds: Map<string, number>;
  /** The server died or stopped answering. */
  crashes: number;
  seconds: number;
}

/** A reply within `ms`, or undefined (the server stopped answering). */
async function within(p: Promise<RespReply>, ms: number): Promise<RespReply | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Long enough for a run that times out, a backend restart and a reload, on a slow machine. */
const REPLY_LIMIT_MS = 120_000;

function mutate(target: Target, seed: Seed, rng: Rng): Mutant {
  if (target === 'TORCH scripts') return mutateScript(seed.data, rng);
  if (target === 'TORCH' && rng.next() < 0.6) return mutateInZip(seed.data, rng);
  return mutateBytes(seed.data, rng);
}

/** Runs `options.cases` mutations of `target`'s seeds against `server`. */
export async function fuzz(server: ServerHandle, target: Target, options: FuzzOptions): Promise<FuzzReport> {
  const seeds = corpus(target);
  const rng = new Rng(options.seed);
  const report: FuzzReport = {
    target,
    cases: options.cases,
    loaded: 0,
    refused: 0,
    runsOk: 0,
    runsErr: 0,
    processDeaths: 0,
    deathKinds: new Map(),
    crashes: 0,
    seconds: 0,
  };
  const t0 = performance.now();
  const serverState = { alive: true };
  void server.exited.then(() => {
    serverState.alive = false;
  });
  const client = await RespSocket.open(server.port, server.host);
  const pinger = await RespSocket.open(server.port, server.host);
  const prefix = `fz:${target.replace(' ', '-')}`;
  // Each seed's inputs, stored once.
  const inputKeys = new Map<string, string[][]>();
  for (const s of seeds) {
    const perRun: string[][] = [];
    for (const [r, run] of s.runs.entries()) {
      const keys: string[] = [];
      for (const [i, t] of run.inputs.entries()) {
        const key = `${prefix}:${s.name}:${r}:in${i}`;
        await client.call('AI.TENSORSET', key, t.dtype, ...t.shape, 'BLOB', t.bytes);
        keys.push(key);
      }
      perRun.push(keys);
    }
    inputKeys.set(s.name, perRun);
  }
  const call = async (...args: (string | Buffer | number)[]): Promise<RespReply | undefined> =>
    serverState.alive ? within(client.call(...args), REPLY_LIMIT_MS) : undefined;
  const died = (r: RespReply | undefined): boolean => r?.type === 'error' && /backend process (died|exited|failed)/.test(r.value);

  for (let n = 0; n < options.cases && report.crashes === 0; n++) {
    const seed = rng.pick(seeds);
    const mutant = mutate(target, seed, rng);
    const key = `${prefix}:case`;
    const script = target === 'TORCH scripts';
    const names = seed.inputNames.length > 0 ? ['INPUTS', ...seed.inputNames, 'OUTPUTS', ...seed.outputNames] : [];
    const set = script
      ? await call('AI.SCRIPTSET', key, 'CPU', mutant.data)
      : await call('AI.MODELSET', key, target, 'CPU', ...names, mutant.data);
    const noted = (r: RespReply | undefined): void => {
      if (!died(r)) return;
      report.processDeaths++;
      report.deathKinds.set(mutant.kind, (report.deathKinds.get(mutant.kind) ?? 0) + 1);
      if (options.saveDir) {
        mkdirSync(options.saveDir, { recursive: true });
        writeFileSync(join(options.saveDir, `${target.replace(' ', '-')}-${options.seed}-${n}${script ? '.txt' : '.bin'}`), mutant.data);
      }
    };
    if (set === undefined) {
      report.crashes++;
      break;
    }
    noted(set);
    if (set.type === 'error') {
      report.refused++;
    } else {
      report.loaded++;
      for (const [r, run] of seed.runs.entries()) {
        const outs = Array.from({ length: run.outputs }, (_, i) => `${prefix}:out${i}`);
        const ins = inputKeys.get(seed.name)![r]!;
        const ran = script
          ? await call('AI.SCRIPTRUN', key, run.fn ?? '', 'INPUTS', ...ins, 'OUTPUTS', ...outs)
          : await call('AI.MODELRUN', key, 'INPUTS', ...ins, 'OUTPUTS', ...outs);
        if (ran === undefined) {
          report.crashes++;
          break;
        }
        noted(ran);
        if (ran.type === 'error') report.runsErr++;
        else report.runsOk++;
      }
      await call('DEL', key);
    }
    if (!serverState.alive || (await within(pinger.call('PING'), REPLY_LIMIT_MS)) === undefined) report.crashes++;
    options.onProgress?.(n + 1);
  }
  report.seconds = (performance.now() - t0) / 1000;
  await Promise.allSettled([client.close(), pinger.close()]);
  return report;
}
