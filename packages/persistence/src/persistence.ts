import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReplyError, type Engine, type Logger, type StoreChange, silentLogger } from '@modelkv/core';
import { AppendOnlyFile } from './aof.js';
import { manifestName } from './aof-manifest.js';
import type { AofWriter } from './aof-writer.js';
import { type LoadProgress, type LoadTarget, loadSnapshot } from './loader.js';
import type { PersistenceSettings } from './settings.js';
import { saveEmptySnapshotSync, saveSnapshotFile } from './snapshot-file.js';
import { SaveAborted, type SnapshotProgress } from './snapshot-writer.js';

type Status = 'ok' | 'err';

/** Redis waits this long before a failed automatic snapshot is tried again. */
const BGSAVE_RETRY_MS = 5000;
const CRON_MS = 100;
/** Bytes appended to the append-only file and not yet written past which clients wait. */
const BACKLOG_BYTES = 64 * 1024 * 1024;

interface Background {
  readonly startedAt: number;
  readonly progress: SnapshotProgress;
  abort: () => void;
  readonly done: Promise<void>;
}

/**
 * Durability for one engine: snapshots (SAVE, BGSAVE, save points) and the append-only file
 * (group commit, rewrites), loading at start, and what INFO persistence reports. It watches the
 * engine's store through its change stream and views; it never sees commands.
 */
export class Persistence {
  /**
   * Called whenever something the server checks before commands changes: loading starts or
   * ends, the append-only file is turned on or off, a snapshot fails or succeeds. The server
   * keeps a fast path for commands while none of these is in force.
   */
  onStateChange: () => void = () => undefined;
  private loadingNow = false;
  readonly loadProgress: LoadProgress = { totalBytes: 0, loadedBytes: 0, keys: 0 };
  private loadStartedAt = 0;
  /** Changes since the last successful snapshot: `rdb_changes_since_last_save`. */
  dirty = 0;
  /** Unix seconds of the last successful snapshot (or of the start): LASTSAVE. */
  lastSave = Math.floor(Date.now() / 1000);
  private bgsaveStatus: Status = 'ok';
  private lastBgsaveTimeSec = -1;
  private lastBgsaveTry = 0;
  private rdbSaves = 0;
  private lastLoadKeys = 0;
  private bgsaveJob: Background | undefined;

  private aofNow: AppendOnlyFile | undefined;
  private rewriteJob: Background | undefined;
  private lastRewriteStatus: Status = 'ok';
  private lastRewriteTimeSec = -1;
  private aofRewrites = 0;
  private rewriteFailures = 0;

  private grouping = false;
  private afterGroup: (() => void)[] = [];
  private unsubscribeDirty: (() => void) | undefined;
  private unsubscribeAof: (() => void) | undefined;
  private cron: NodeJS.Timeout | undefined;
  private tempCounter = 0;
  private readonly logger: Logger;

  constructor(
    private readonly engine: Engine,
    readonly settings: PersistenceSettings,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
  }

  /** The data is being loaded at start: commands are refused with LOADING meanwhile. */
  get loading(): boolean {
    return this.loadingNow;
  }

  set loading(on: boolean) {
    this.loadingNow = on;
    this.onStateChange();
  }

  get lastBgsaveStatus(): Status {
    return this.bgsaveStatus;
  }

  set lastBgsaveStatus(status: Status) {
    if (status === this.bgsaveStatus) return;
    this.bgsaveStatus = status;
    this.onStateChange();
  }

  /** The append-only file, when it is on. */
  get aof(): AppendOnlyFile | undefined {
    return this.aofNow;
  }

  set aof(aof: AppendOnlyFile | undefined) {
    this.aofNow = aof;
    this.onStateChange();
  }

  get rdbPath(): string {
    return join(this.settings.dir, this.settings.dbfilename);
  }

  /** The directory of the append-only file's files. */
  get aofDir(): string {
    return join(this.settings.dir, this.settings.appenddirname);
  }

  private get writer(): AofWriter | undefined {
    return this.aof?.writer;
  }

  // ---- start and stop --------------------------------------------------------------------

  /**
   * Loads the data (the append-only file when it is on, else the snapshot, as Redis chooses),
   * then starts watching the store. Backends must be loaded before: models are loaded through
   * them. Rejects with a LoadError when the data cannot be loaded.
   */
  async start(): Promise<void> {
    checkDirectory(this.settings.dir);
    this.loading = true;
    this.loadStartedAt = Date.now();
    try {
      const target = this.loadTarget(this.loadProgress);
      if (this.settings.appendonly) {
        const fresh = !existsSync(join(this.aofDir, manifestName(this.settings.appendfilename)));
        if (fresh && existsSync(this.rdbPath)) {
          this.logger.notice(
            `appendonly is on and there is no append only file yet: starting empty (${this.settings.dbfilename} is not loaded)`,
          );
        }
        this.aof = await AppendOnlyFile.openAndLoad(
          this.aofDir,
          this.settings.appendfilename,
          this.settings.appendfsync,
          target,
          this.settings.aofLoadTruncated,
        );
        if (!fresh)
          this.logger.notice(`DB loaded from append only file: ${seconds(this.loadStartedAt)} seconds`, { keys: this.engine.dbsize });
      } else if (existsSync(this.rdbPath)) {
        await loadSnapshot(this.rdbPath, target);
        this.logger.notice(`DB loaded from disk: ${seconds(this.loadStartedAt)} seconds`, { keys: this.engine.dbsize });
      }
      this.lastLoadKeys = this.engine.dbsize;
    } finally {
      this.loading = false;
    }
    this.dirty = 0;
    this.unsubscribeDirty = this.engine.keyspace.onChange(this.onChange);
    if (this.writer) this.unsubscribeAof = this.engine.keyspace.onChange(this.writer.onChange);
    this.startCron();
  }

  private startCron(): void {
    if (this.cron) return;
    this.cron = setInterval(() => {
      this.tick();
    }, CRON_MS);
    this.cron.unref();
  }

  private stopCron(): void {
    if (this.cron) clearInterval(this.cron);
    this.cron = undefined;
  }

  private loadTarget(progress: LoadProgress): LoadTarget {
    return { engine: this.engine, restore: { keepWithoutBackend: this.settings.keepModelsWithoutBackend }, logger: this.logger, progress };
  }

  /**
   * What SHUTDOWN does before the process ends: background work is stopped, the append-only
   * file written and synced, and a snapshot saved when `save` is true, or when it is undefined
   * and save points are configured. A failure throws (the server keeps running) unless `force`.
   */
  async shutdown(save: boolean | undefined, force: boolean): Promise<void> {
    this.stopCron();
    await this.abortBackground();
    if (this.writer) {
      try {
        await this.writer.flushAndSync();
      } catch (err) {
        this.logger.warning(`Error writing the append only file on shutdown: ${describe(err)}`);
        if (!force) {
          this.startCron();
          throw new ReplyError('Errors trying to SHUTDOWN. Check logs.');
        }
      }
    }
    if (save ?? this.settings.save.length > 0) {
      this.logger.notice('Saving the final snapshot before exiting.');
      try {
        await this.save();
      } catch (err) {
        this.logger.warning(`Error trying to save the DB, can't exit: ${describe(err)}`);
        this.startCron();
        if (!force) throw new ReplyError('Errors trying to SHUTDOWN. Check logs.');
      }
    }
    await this.close();
  }

  /** Stops everything without saving (in-process use, tests). */
  async close(): Promise<void> {
    this.stopCron();
    await this.abortBackground();
    this.unsubscribeDirty?.();
    this.unsubscribeDirty = undefined;
    await this.detachAof();
  }

  // ---- what the server asks on every command --------------------------------------------

  /** The point a reply produced now must wait for (0: none), given to `whenDurable`. */
  durabilityPoint(): number {
    const w = this.aof?.writer;
    return w !== undefined && w.appended > w.durable ? w.appended : 0;
  }

  /** The append-only file position that is durable (Infinity when the file is off). */
  get durable(): number {
    return this.aof?.writer?.durable ?? Infinity;
  }

  /** Whether so much waits to be written that clients should stop sending writes for a while. */
  backlogged(): boolean {
    const w = this.aof?.writer;
    return w !== undefined && w.bufferLength > BACKLOG_BYTES;
  }

  /** Calls back once what waits to be written now is written. */
  whenCaughtUp(callback: () => void): void {
    this.whenDurable(this.aof?.writer?.appended ?? 0, callback);
  }

  whenDurable(point: number, callback: () => void): void {
    const w = this.aof?.writer;
    if (w) w.whenDurable(point, callback);
    else callback();
  }

  /** Why writes are refused now (Redis's MISCONF cases), or undefined. */
  writeDenied(): string | undefined {
    const writeError = this.aof?.writer?.lastWriteError;
    if (writeError !== undefined) return `MISCONF Errors writing to the AOF file: ${writeError}`;
    if (this.settings.stopWritesOnBgsaveError && this.settings.save.length > 0 && this.lastBgsaveStatus === 'err') {
      return "MISCONF modelkv is configured to save snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if snapshotting fails (stop-writes-on-bgsave-error option). Please check the logs for details about the error.";
    }
    return undefined;
  }

  // ---- snapshots ---------------------------------------------------------------------------

  /** SAVE: a snapshot now, resolved once it is on disk. The caller keeps other clients waiting. */
  async save(): Promise<void> {
    if (this.bgsaveJob) throw new ReplyError('Background save already in progress');
    const dirtyBefore = this.dirty;
    const started = Date.now();
    try {
      await saveSnapshotFile(this.engine.keyspace.view(), this.rdbPath, this.tempPath('rdb'), { keys: 0 });
    } catch (err) {
      this.lastBgsaveStatus = 'err';
      this.logger.warning(`Failed saving the DB: ${describe(err)}`);
      throw new ReplyError(`could not save the DB: ${describe(err)}`);
    }
    this.savedAt(dirtyBefore, started);
    this.logger.notice('DB saved on disk');
  }

  /** BGSAVE: starts a snapshot that is written while the server goes on. */
  bgsave(): string {
    if (this.bgsaveJob) throw new ReplyError('Background save already in progress');
    this.startBgsave();
    return 'Background saving started';
  }

  get bgsaveInProgress(): boolean {
    return this.bgsaveJob !== undefined;
  }

  /** Settles once the background snapshot in progress (if any) has ended. */
  bgsaveDone(): Promise<void> {
    return this.bgsaveJob?.done ?? Promise.resolve();
  }

  /**
   * FLUSHALL: what follows emptying the keyspace, as in Redis: a background save in progress is
   * stopped (its file would hold what was just removed) and, with save points, an empty snapshot
   * replaces the last one.
   */
  async flushAll(): Promise<void> {
    const job = this.bgsaveJob;
    if (job) {
      job.abort();
      await job.done;
    }
    if (this.settings.save.length > 0) {
      try {
        saveEmptySnapshotSync(this.rdbPath, this.tempPath('rdb'));
        this.savedAt(this.dirty, Date.now());
      } catch (err) {
        this.logger.warning(`Failed saving the DB after FLUSHALL: ${describe(err)}`);
      }
    }
    this.dirty++;
  }

  /** DEBUG RELOAD: saves (unless told not to), empties the keyspace, and loads the snapshot back. */
  async debugReload(options: { save: boolean; flush: boolean }): Promise<void> {
    if (options.save) await this.save();
    // The append-only file already holds this data: reloading it is not a change to record.
    this.unsubscribeAof?.();
    this.unsubscribeDirty?.();
    try {
      if (options.flush) this.engine.keyspace.flush();
      await loadSnapshot(this.rdbPath, this.loadTarget({ totalBytes: 0, loadedBytes: 0, keys: 0 }));
    } catch (err) {
      this.logger.warning(`Error trying to load the snapshot: ${describe(err)}`);
      throw new ReplyError('Error trying to load the RDB dump, check server logs.');
    } finally {
      this.unsubscribeDirty = this.engine.keyspace.onChange(this.onChange);
      if (this.writer) this.unsubscribeAof = this.engine.keyspace.onChange(this.writer.onChange);
    }
  }

  private startBgsave(): void {
    const controller = new AbortController();
    const state = this.background(controller);
    this.bgsaveJob = state.job;
    this.logger.notice('Background saving started');
    this.whenOutsideGroup(() => {
      if (controller.signal.aborted) {
        this.bgsaveJob = undefined;
        state.finish();
        return;
      }
      const view = this.engine.keyspace.view();
      const dirtyBefore = this.dirty;
      this.lastBgsaveTry = Date.now();
      this.outcome(saveSnapshotFile(view, this.rdbPath, this.tempPath('rdb'), state.job.progress, controller.signal), 'Background saving', {
        ok: () => {
          this.savedAt(dirtyBefore, state.job.startedAt);
          this.logger.notice('Background saving terminated with success');
        },
        failed: (err) => {
          this.lastBgsaveStatus = 'err';
          this.lastBgsaveTimeSec = seconds(state.job.startedAt);
          this.logger.warning(`Background saving error: ${describe(err)}`);
        },
        done: () => {
          this.bgsaveJob = undefined;
          state.finish();
        },
      });
    });
  }

  /** Routes a background job's end: success, failure, or a stop on purpose (only logged). */
  private outcome(job: Promise<void>, what: string, then: { ok: () => void; failed: (err: unknown) => void; done: () => void }): void {
    job
      .then(then.ok, (err: unknown) => {
        if (err instanceof SaveAborted) this.logger.notice(`${what} stopped`);
        else then.failed(err);
      })
      .finally(then.done);
  }

  /** The bookkeeping of a background job: its progress, how to stop it, when it is done. */
  private background(controller: AbortController): { job: Background; finish: () => void } {
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const job: Background = {
      startedAt: Date.now(),
      progress: { keys: 0 },
      abort: () => {
        controller.abort();
      },
      done,
    };
    return { job, finish };
  }

  private savedAt(dirtyBefore: number, started: number): void {
    this.dirty = Math.max(0, this.dirty - dirtyBefore);
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveStatus = 'ok';
    this.lastBgsaveTimeSec = seconds(started);
    this.rdbSaves++;
  }

  // ---- the append-only file ----------------------------------------------------------------

  /** BGREWRITEAOF: compacts the file (or writes one, when it is off) while the server goes on. */
  bgrewriteaof(): string {
    if (this.rewriteJob) throw new ReplyError('Background append only file rewriting already in progress');
    this.startRewrite(false);
    return 'Background append only file rewriting started';
  }

  get rewriteInProgress(): boolean {
    return this.rewriteJob !== undefined;
  }

  rewriteDone(): Promise<void> {
    return this.rewriteJob?.done ?? Promise.resolve();
  }

  /** Follows CONFIG SET of the named parameters (the settings object is already changed). */
  async configure(changed: readonly string[]): Promise<void> {
    if (this.writer) this.writer.policy = this.settings.appendfsync;
    if (changed.includes('appendonly')) await this.setAppendonly(this.settings.appendonly);
  }

  /** CONFIG SET appendonly: on writes the file from the keyspace (a rewrite) and then keeps it. */
  async setAppendonly(on: boolean): Promise<void> {
    if (on) {
      if (this.aof) return;
      if (this.rewriteJob) {
        this.rewriteJob.abort();
        await this.rewriteJob.done;
      }
      this.startRewrite(true);
      return;
    }
    if (this.rewriteJob) {
      this.rewriteJob.abort();
      await this.rewriteJob.done;
    }
    await this.detachAof();
  }

  private startRewrite(enable: boolean): void {
    const controller = new AbortController();
    const state = this.background(controller);
    this.rewriteJob = state.job;
    this.logger.notice(
      enable ? 'Writing the append only file from the keyspace before turning it on' : 'Background append only file rewriting started',
    );
    const run = async (): Promise<void> => {
      const aof = this.aof ?? (await AppendOnlyFile.files(this.aofDir, this.settings.appendfilename));
      await aof.rewrite(this.engine.keyspace, {
        preamble: this.settings.aofUseRdbPreamble,
        signal: controller.signal,
        progress: state.job.progress,
        outsideGroup: (fn) => {
          this.whenOutsideGroup(fn);
        },
        start: enable
          ? {
              policy: this.settings.appendfsync,
              attach: (writer) => {
                this.aof = aof;
                this.settings.appendonly = true;
                this.unsubscribeAof = this.engine.keyspace.onChange(writer.onChange);
              },
            }
          : undefined,
      });
    };
    this.outcome(run(), 'Background AOF rewrite', {
      ok: () => {
        this.lastRewriteStatus = 'ok';
        this.rewriteFailures = 0;
        this.aofRewrites++;
        this.logger.notice('Background AOF rewrite finished successfully');
      },
      failed: (err) => {
        this.lastRewriteStatus = 'err';
        this.rewriteFailures++;
        this.logger.warning(`Background AOF rewrite failed: ${describe(err)}`);
      },
      done: () => {
        this.lastRewriteTimeSec = seconds(state.job.startedAt);
        this.rewriteJob = undefined;
        state.finish();
      },
    });
  }

  private async detachAof(): Promise<void> {
    const aof = this.aof;
    if (!aof) return;
    // No more appends; what was appended is written and synced before replies stop waiting for it.
    this.unsubscribeAof?.();
    this.unsubscribeAof = undefined;
    try {
      await aof.writer?.flushAndSync();
    } catch (err) {
      this.logger.warning(`Error writing the append only file while closing it: ${describe(err)}`);
    }
    this.aof = undefined;
    await aof.close();
  }

  // ---- housekeeping ------------------------------------------------------------------------

  private readonly onChange = (change: StoreChange): void => {
    switch (change.type) {
      case 'begin':
        this.grouping = true;
        return;
      case 'end':
        this.grouping = false;
        for (const fn of this.afterGroup.splice(0)) fn();
        return;
      case 'flush':
        this.dirty += this.engine.keyspace.size;
        return;
      default:
        this.dirty++;
    }
  };

  /** Views are taken between groups of changes, never inside a transaction being applied. */
  private whenOutsideGroup(fn: () => void): void {
    if (this.grouping) this.afterGroup.push(fn);
    else fn();
  }

  private async abortBackground(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const job of [this.bgsaveJob, this.rewriteJob]) {
      if (!job) continue;
      job.abort();
      pending.push(job.done);
    }
    await Promise.all(pending);
  }

  /** Save points, automatic rewrites, and `everysec` syncs: about ten times a second. */
  private tick(): void {
    const now = Date.now();
    this.writer?.tick(now);
    if (!this.bgsaveJob && !this.rewriteJob) {
      const sinceSave = now / 1000 - this.lastSave;
      const retryOk = this.lastBgsaveStatus === 'ok' || now - this.lastBgsaveTry > BGSAVE_RETRY_MS;
      for (const p of this.settings.save) {
        if (this.dirty >= p.changes && sinceSave >= p.seconds && retryOk) {
          this.logger.notice(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
          this.startBgsave();
          break;
        }
      }
    }
    const aof = this.aof;
    const pct = this.settings.autoAofRewritePercentage;
    if (aof && !this.rewriteJob && pct > 0 && aof.size > this.settings.autoAofRewriteMinSize) {
      const base = aof.baseSize > 0 ? aof.baseSize : 1;
      const growth = ((aof.size - base) * 100) / base;
      if (growth >= pct) {
        this.logger.notice(`Starting automatic rewriting of AOF on ${Math.floor(growth)}% growth`);
        this.startRewrite(false);
      }
    }
  }

  private tempPath(ext: 'rdb' | 'aof'): string {
    const name =
      ext === 'rdb' ? `temp-${process.pid}-${++this.tempCounter}.rdb` : `temp-rewriteaof-${process.pid}-${++this.tempCounter}.aof`;
    return join(this.settings.dir, name);
  }

  // ---- INFO persistence ----------------------------------------------------------------------

  info(): [string, string | number][] {
    const now = Date.now();
    const lines: [string, string | number][] = [
      ['loading', this.loading ? 1 : 0],
      ['async_loading', 0],
    ];
    if (this.loading) {
      const p = this.loadProgress;
      const perc = p.totalBytes > 0 ? (p.loadedBytes * 100) / p.totalBytes : 0;
      lines.push(
        ['loading_start_time', Math.floor(this.loadStartedAt / 1000)],
        ['loading_total_bytes', p.totalBytes],
        ['loading_loaded_bytes', p.loadedBytes],
        ['loading_loaded_perc', `${perc.toFixed(2)}%`],
        ['loading_eta_seconds', etaSeconds(this.loadStartedAt, now, p.loadedBytes, p.totalBytes)],
      );
    }
    const job = this.bgsaveJob ?? this.rewriteJob;
    lines.push(
      ['current_save_keys_processed', job?.progress.keys ?? 0],
      ['current_save_keys_total', job?.progress.total ?? 0],
      ['rdb_changes_since_last_save', this.dirty],
      ['rdb_bgsave_in_progress', this.bgsaveJob ? 1 : 0],
      ['rdb_last_save_time', this.lastSave],
      ['rdb_last_bgsave_status', this.lastBgsaveStatus],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveTimeSec],
      ['rdb_current_bgsave_time_sec', this.bgsaveJob ? seconds(this.bgsaveJob.startedAt) : -1],
      ['rdb_saves', this.rdbSaves],
      ['rdb_last_load_keys_expired', 0],
      ['rdb_last_load_keys_loaded', this.lastLoadKeys],
      ['aof_enabled', this.aof || (this.rewriteJob && this.settings.appendonly) ? 1 : 0],
      ['aof_rewrite_in_progress', this.rewriteJob ? 1 : 0],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', this.rewriteJob ? seconds(this.rewriteJob.startedAt) : -1],
      ['aof_last_bgrewrite_status', this.lastRewriteStatus],
      ['aof_rewrites', this.aofRewrites],
      ['aof_rewrites_consecutive_failures', this.rewriteFailures],
      ['aof_last_write_status', this.writer?.lastWriteError === undefined ? 'ok' : 'err'],
    );
    if (this.aof) {
      lines.push(
        ['aof_current_size', this.aof.size],
        ['aof_base_size', this.aof.baseSize],
        ['aof_pending_rewrite', 0],
        ['aof_buffer_length', this.writer?.bufferLength ?? 0],
        ['aof_pending_bio_fsync', 0],
        ['aof_delayed_fsync', 0],
      );
    }
    return lines;
  }
}

function checkDirectory(dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ReplyError(`Can't use directory '${dir}' for the data files: it does not exist or is not a directory`);
}

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 1000);
}

function etaSeconds(started: number, now: number, done: number, total: number): number {
  if (done <= 0 || total <= done) return 0;
  return Math.round(((now - started) / 1000) * ((total - done) / done));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
