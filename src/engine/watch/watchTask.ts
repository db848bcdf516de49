// One watch task: ready files (from the settler) are rows in watch_files, a bounded window of
// them is held in memory (the rest wait in SQLite: 10,000 files at once cost 10,000 small rows,
// not 10,000 queued runs), and at most `workers` are asked of the engine at a time, in their own
// lane; the next is asked for when one ends (run.ended). A file is claimed under its run's id in
// the same commit as the run's row; it moves only after the run has ended (fileFinisher).
import { decodeSurrogateEscape } from '../../core/bytes/decodeSurrogateEscape.js';
import { newRunId } from '../../core/run/runId.js';
import type { Task } from '../../core/types.js';
import { fileOutcome } from '../../core/watch/fileOutcome.js';
import { pathIn } from '../../core/watch/fileNames.js';
import { compilePattern } from '../../core/watch/namePattern.js';
import type { WatchCounts, WatchFileKey, WatchFileRow } from '../../ports/watchFileStore.js';
import type { FolderWatch } from '../../ports/watchFolder.js';
import type { EventOf } from '../events.js';
import { fileRunRequest, lookBeforeRun } from './beforeRun.js';
import { finishFile, writeStatusFile, type Ending } from './fileFinisher.js';
import { FileSettler, keyOf } from './fileSettler.js';
import { PendingWindow } from './pendingWindow.js';
import type { Flight, WatchDeps } from './types.js';

const identityOf = (key: WatchFileKey) => `${key.size}:${key.mtimeNs}`;

/** Ended files whose move and status file may be under way at once, before new runs wait. */
const MAX_FINISHING = 256;
/** The longest a settled file waits for a commit to ride along with. */
const SETTLE_MS = 50;
/** How long a file whose run was skipped waits before it is tried again (a resume tries at once). */
const SKIPPED_WAIT_MS = 60_000;

export class WatchTask {
  readonly settler: FileSettler;
  private readonly window: PendingWindow;
  readonly flights = new Map<string, Flight>();
  private preparing = 0;
  private readonly freeSlots: number[];
  /** Files this task has a row for (name -> size:mtime), so a repeated event costs no query. */
  private readonly known = new Map<string, string>();
  private readonly finishing = new Set<Promise<unknown>>();
  private readonly settles: { id: number; movedTo: Buffer | null; reason: string | null }[] = [];
  private watch: FolderWatch | null = null;
  private stopped = false;
  private readonly tally = { processed: 0, failed: 0 };
  /** Once-mode: the names listed at the start that are not dealt with yet. */
  readonly onceLeft = new Set<string>();
  /** Once-mode: how many listed files matched, and how many of them a stop left in place after their run began. */
  onceListed = 0;
  onceStopped = 0;
  private onceChanged: () => void = () => {};
  private readonly matches: (name: Buffer) => boolean;

  constructor(
    readonly task: Task,
    private readonly deps: WatchDeps,
  ) {
    const spec = task.watch!;
    // Once-mode runs the files it listed in its folder, not every pending row of the task: a
    // daemon's waiting files (in another folder, when run --task has another --config) stay its own.
    this.window = new PendingWindow(deps.ctx.store.watchFiles, task.name, deps.mode === 'once' ? (row) => this.onceLeft.has(keyOf(row.name)) : undefined);
    this.stopResumeWatch = deps.engine.onResume((name) => {
      if (name === task.name && !this.stopped) this.pump();
    });
    const pattern = compilePattern(spec.pattern);
    this.matches = (name) => pattern.ok && pattern.test(decodeSurrogateEscape(name));
    this.freeSlots = Array.from({ length: spec.workers }, (_, i) => spec.workers - i);
    this.settler = new FileSettler({
      dir: deps.paths.dir,
      settleMs: spec.settle_ms,
      clock: deps.ctx.clock,
      folder: deps.folder,
      matches: (name) => pattern.ok && pattern.test(name),
      known: (key) => {
        // The file a run of it is running, changed (its command wrote to it): part of that run,
        // judged when it ends, not a new file. A file renamed over the name is another inode.
        if (key.inode && this.runningInode(keyOf(key.name)) === key.inode) return true;
        const known = this.known.get(keyOf(key.name)) === identityOf(key);
        if (known && this.deps.mode === 'once' && !this.isTaken(keyOf(key.name))) this.resolveOnce(keyOf(key.name));
        return known;
      },
      ready: (files) => this.ready(files),
      vanished: (name) => this.vanished(name),
    });
  }

  get name(): string {
    return this.task.name;
  }

  /** The folder it watches (absolute). */
  get dir(): string {
    return this.deps.paths.dir;
  }

  /**
   * Counts for status and metrics (pending: ready and waiting; processed/failed: since this start).
   * Pending is the history's count (an indexed count): a `run --task` of the task beside the
   * daemon adds and claims rows too, which a tally of this process's own would miss.
   */
  counts(): WatchCounts {
    const { pending } = this.deps.ctx.store.watchFiles.counts(this.name, Number.MAX_SAFE_INTEGER);
    return { pending, running: this.flights.size, processed: this.tally.processed, failed: this.tally.failed };
  }

  /** Starts: picks up what a previous run left (recovery is the caller's), then the folder. */
  start(names: Buffer[] | null): void {
    if (this.deps.mode === 'daemon') {
      const { logger } = this.deps.ctx;
      const where = { task: this.name, path: this.deps.paths.dir };
      this.watch = this.deps.folder.watch(this.deps.paths.dir, {
        names: (list) => this.settler.look(list),
        gone: () => logger.warn(where, 'the watched folder is gone; waiting for it to come back'),
        back: () => logger.info(where, 'the watched folder is back'),
      }, this.deps.rescanMs);
      logger.info({ ...where, pattern: this.task.watch!.pattern, workers: this.task.watch!.workers }, 'watching the folder');
    } else if (names) {
      const matching = names.filter((name) => this.matches(name));
      for (const name of matching) this.onceLeft.add(keyOf(name));
      this.onceListed = this.onceLeft.size;
      this.settler.look(matching);
    }
    this.pump();
  }

  /** Once-mode: called whenever a listed name is dealt with. */
  onOnceChange(fn: () => void): void {
    this.onceChanged = fn;
  }

  /** A run picked up from before a restart, still going in this engine: it holds a worker until it ends. */
  adopt(flight: Flight): void {
    this.flights.set(flight.runId, flight);
    this.window.hold(flight.row.id);
    this.known.set(keyOf(flight.row.name), identityOf(flight.row));
  }

  /** Remembers a file handled earlier, so events about it cost nothing. */
  remember(row: WatchFileRow): void {
    this.known.set(keyOf(row.name), identityOf(row));
  }

  private readonly stopResumeWatch: () => void;

  /** A file whose run was skipped goes back to the pending rows after SKIPPED_WAIT_MS (not at once: the reason may hold). */
  private holdAfterSkip(row: WatchFileRow, at: number): void {
    const cancel = this.deps.ctx.clock.at(at + SKIPPED_WAIT_MS, () => {
      this.skipTimers.delete(cancel);
      if (this.stopped) return;
      this.window.reread(row);
      this.pump();
    });
    this.skipTimers.add(cancel);
  }

  private readonly skipTimers = new Set<() => void>();

  /** Starts no more runs; what runs goes on (the engine drains it). */
  stop(): void {
    this.stopped = true;
    this.stopResumeWatch();
    for (const cancel of this.skipTimers) cancel();
    this.skipTimers.clear();
    this.watch?.close();
    this.watch = null;
    this.settler.close();
  }

  /** No run of this task is going and every ended file has been dealt with. */
  get idle(): boolean {
    return this.finishing.size === 0 && this.flights.size === 0 && this.preparing === 0 && this.settles.length === 0;
  }

  /**
   * Resolves when no run of this task is going and every ended file has been dealt with. In the
   * daemon (called once the engine stops: it starts nothing more) a run that waits, for an
   * approval or for a slot, will not end in this process: it does not hold the drain. Its row
   * stays open and its file stays claimed, where it is; the next start picks the run up again.
   */
  async settled(): Promise<void> {
    while (!this.drained) {
      if (this.finishing.size > 0) await Promise.all([...this.finishing]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const flight of this.flights.values()) {
      const state = this.deps.engine.openRun(flight.runId)?.state ?? 'ended';
      this.deps.ctx.logger.info(
        { task: this.name, run_id: flight.runId, file: decodeSurrogateEscape(flight.row.name), state },
        'watched file left in place: its run waits and goes on after the next start',
      );
    }
  }

  /** Like `idle`, but in the daemon only the runs really going (running, or between attempts) count. */
  private get drained(): boolean {
    if (this.finishing.size > 0 || this.preparing > 0 || this.settles.length > 0) return false;
    if (this.deps.mode === 'once') return this.flights.size === 0;
    for (const flight of this.flights.values()) {
      const state = this.deps.engine.openRun(flight.runId)?.state;
      if (state === 'running' || state === 'retrying') return false;
    }
    return true;
  }

  /** run.ended of one of this task's file runs (called inside the engine's commit). */
  runEnded(event: EventOf<'run.ended'>): void {
    const flight = this.flights.get(event.run_id);
    if (!flight) return;
    this.flights.delete(event.run_id);
    this.window.release(flight.row.id);
    if (flight.slot > 0) this.freeSlots.push(flight.slot);
    const outcome = fileOutcome(event.status, event.reason);
    const at = this.deps.ctx.clock.now();
    this.flushSettles();
    this.deps.ctx.store.watchFiles.finish(flight.row.id, outcome.state, at, event.reason);
    if (outcome.state !== 'pending') this.keepChangedInPlace(flight, outcome.moveTo);
    if (outcome.state === 'done') this.tally.processed++;
    else if (outcome.state === 'failed') this.tally.failed++;
    else {
      // Skipped (its budget spent, a foreground run that will not wait for approval): once-mode
      // leaves it in place; the daemon tries it again, but not before SKIPPED_WAIT_MS.
      if (event.status === 'skipped') {
        if (this.deps.mode === 'daemon') this.holdAfterSkip(flight.row, at);
      } else this.window.reread(flight.row);
    }
    const message =
      outcome.status === 'SUCCESS'
        ? 'processed'
        : outcome.status === 'FAILED'
          ? `${event.status}${event.exit_code !== null ? ` (exit code ${event.exit_code})` : ''}${event.reason ? `: ${event.reason}` : ''}`
          : `not finished: ${event.reason ?? event.status}`;
    this.finish({
      row: flight.row,
      task: this.name,
      runId: event.run_id,
      correlationId: flight.correlationId,
      outcome,
      message,
      slot: flight.slot,
      durationMs: at - flight.startedAt,
      attempts: event.attempts,
      inode: flight.inode,
    });
    if (!this.stopped) queueMicrotask(() => this.pump());
  }

  /**
   * A file that stays in place after its run ended for good (no folder to move it to), changed by that run (its
   * command wrote to it: the same inode, another size or mtime), is known from now on as it is:
   * what its own run wrote is part of that run, not a new file to run again (in this process, as
   * `known`, before any listing can look, and in its row for the next start).
   */
  private keepChangedInPlace(flight: Flight, moveTo: 'processed' | 'failed' | null): void {
    const target = moveTo === 'processed' ? this.deps.paths.processedDir : moveTo === 'failed' ? this.deps.paths.failedDir : null;
    if (target !== null || !flight.inode) return;
    const now = this.deps.folder.stat(pathIn(this.deps.paths.dir, flight.row.name));
    if (!now || now.inode !== flight.inode || (now.size === flight.row.size && now.mtimeNs === flight.row.mtimeNs)) return;
    this.deps.ctx.store.watchFiles.restamp(flight.row.id, now);
    this.known.set(keyOf(flight.row.name), identityOf({ name: flight.row.name, ...now }));
  }

  /** Deals with a file after its run (or the recovery of one); tracked for `settled()`. */
  finish(ending: Ending): void {
    // After the commit that recorded the run's end (this is called inside it): nothing moves
    // before its run has ended on disk.
    const done = Promise.resolve().then(() => finishFile(this.deps, ending)).then(({ movedTo, moveError }) => {
      this.settleLater(ending.row.id, movedTo, moveError);
      const key = keyOf(ending.row.name);
      if (movedTo && this.known.get(key) === identityOf(ending.row)) this.known.delete(key);
      if (ending.outcome.state === 'pending' && this.deps.mode === 'once' && this.onceLeft.has(key)) this.onceStopped++;
      this.resolveOnce(key);
    });
    this.finishing.add(done);
    void done.finally(() => {
      this.finishing.delete(done);
      if (!this.stopped && this.finishing.size === MAX_FINISHING - 1) this.pump();
    });
  }

  /**
   * Rows of files dealt with are marked settled with the next commit that happens anyway (a
   * claim, a run's end), or alone after SETTLE_MS: one commit fewer per file in a burst.
   */
  private settleLater(id: number, movedTo: Buffer | null, reason: string | null): void {
    this.settles.push({ id, movedTo, reason });
    if (this.settles.length > 1) return;
    const timer = setTimeout(() => {
      if (this.settles.length === 0) return; // a commit since then took them along
      try {
        this.deps.ctx.store.batch(() => this.flushSettles());
      } catch (error) {
        this.deps.ctx.logger.error({ task: this.name, err: (error as Error).message }, 'cannot record that files were dealt with; the next start deals with them again');
      }
    }, SETTLE_MS);
    timer.unref();
  }

  /** Writes the settles waiting (inside the caller's transaction). */
  private flushSettles(): void {
    for (const s of this.settles.splice(0)) this.deps.ctx.store.watchFiles.settle(s.id, s.movedTo, s.reason);
  }

  /** Once-mode, stopped: a listed file that never started stays where it is, with an UNSPECIFIED status file. */
  finishUnstarted(name: Buffer, message: string): void {
    const done = writeStatusFile(this.deps, name, {
      task: this.name,
      run_id: null,
      correlation_id: null,
      status: 'UNSPECIFIED',
      message: `${message}; left in place`,
      worker_id: null,
      processing_duration_ms: null,
      retry_count: 0,
    });
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }

  private ready(files: WatchFileKey[]): void {
    const store = this.deps.ctx.store.watchFiles;
    const at = this.deps.ctx.clock.now();
    const added = store.addPending(this.name, files, at);
    const addedKeys = new Set(added.map((row) => `${keyOf(row.name)}/${identityOf(row)}`));
    for (const file of files) {
      const key = keyOf(file.name);
      this.known.set(key, identityOf(file));
      if (addedKeys.has(`${key}/${identityOf(file)}`)) continue;
      // Known already: pending (from before a restart: the queue picks it up), or had its run.
      const row = store.find(this.name, file);
      if (row?.state === 'pending') this.window.reread(row);
      else this.resolveOnce(key);
    }
    this.window.add(added);
    this.pump();
  }

  /** The name left the folder (moved away, deleted): a file of that name coming back is looked at afresh. */
  private vanished(name: Buffer): void {
    const key = keyOf(name);
    this.known.delete(key);
    this.resolveOnce(key);
  }

  /** The inode of the file of that name a run of this task is running, if any. */
  private runningInode(key: string): string | null {
    for (const flight of this.flights.values()) if (flight.inode && keyOf(flight.row.name) === key) return flight.inode;
    return null;
  }

  private isTaken(key: string): boolean {
    for (const flight of this.flights.values()) if (keyOf(flight.row.name) === key) return true;
    return this.window.holds((row) => keyOf(row.name) === key);
  }

  private pump(): void {
    // A paused task's files wait (pending) for `resume`; the daemon starts none of them.
    if (this.deps.mode === 'daemon' && this.deps.engine.isPaused(this.name)) return;
    // Files whose status files are still being written hold the next runs back: memory stays bounded.
    while (!this.stopped && this.freeSlots.length > 0 && this.finishing.size < MAX_FINISHING) {
      const row = this.window.next();
      if (!row) return;
      void this.prepare(row, this.freeSlots.pop() as number);
    }
  }

  /** Looks at the file once more (and checks its JSON), then claims it and asks for its run, in one commit. */
  private async prepare(row: WatchFileRow, slot: number): Promise<void> {
    this.preparing++;
    const { ctx, engine } = this.deps;
    const key = keyOf(row.name);
    const release = () => {
      this.preparing--;
      this.window.release(row.id);
      this.freeSlots.push(slot);
      if (!this.stopped) this.pump();
    };
    const look = await lookBeforeRun(this.deps, this.task, row);
    if (look.kind === 'gone') {
      ctx.store.watchFiles.markGone(row.id, ctx.clock.now(), look.reason);
      ctx.logger.info({ task: this.name, file: decodeSurrogateEscape(row.name) }, `watched file ${look.reason}`);
      if (this.known.get(key) === identityOf(row)) this.known.delete(key);
      if (look.replaced) this.settler.look([row.name]);
      else this.resolveOnce(key);
      return release();
    }
    if (this.stopped) return release();
    const at = ctx.clock.now();
    const runId = newRunId(at);
    const flight: Flight = { row, task: this.task, runId, slot, startedAt: at, correlationId: look.correlationId ?? runId, inode: look.inode };
    let claimed = false;
    try {
      ctx.store.batch(() => {
        this.flushSettles();
        claimed = ctx.store.watchFiles.claim(row.id, runId, at);
        if (!claimed) return;
        // A flight before the request: a refused file's run.ended comes at once, inside it.
        this.flights.set(runId, flight);
        if (look.failure) engine.fail({ task: this.name, trigger: 'watch', runId }, `${decodeSurrogateEscape(row.name)}: ${look.failure}`);
        else {
          engine.request(fileRunRequest(this.deps, this.task, flight));
          engine.dispatch();
        }
      });
    } catch (error) {
      this.flights.delete(runId);
      ctx.logger.error({ task: this.name, file: decodeSurrogateEscape(row.name), err: (error as Error).message }, 'cannot start the run of a watched file; it stays pending');
      return release();
    }
    if (claimed) {
      this.preparing--;
      return;
    }
    // Another process (a `run --task` on the same home) took it first.
    this.resolveOnce(key);
    release();
  }

  private resolveOnce(key: string): void {
    if (this.deps.mode !== 'once') return;
    if (this.onceLeft.delete(key)) this.onceChanged();
  }
}
