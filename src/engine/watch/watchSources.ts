// Every watch task of a config, as the daemon (or `run --task`) runs them: one WatchTask each,
// the run.ended events of watch runs routed to the task that asked, reload (a task whose watch
// changed is replaced; its runs going on are followed to their end by the old one), and the
// counts for status and metrics (`conductor_watch_files_pending{task}`).
import type { Config, Task } from '../../core/types.js';
import type { WatchCounts } from '../../ports/watchFileStore.js';
import { leaveFolderChangedWhileStopped, leaveOldFolder, type FolderChange } from './leaveOldFolder.js';
import { recoverFiles } from './recoverFiles.js';
import type { WatchDeps } from './types.js';
import { WatchTask } from './watchTask.js';

/** What the app resolves for each task: its absolute folders and compiled schema. */
export type ResolveWatch = (task: Task) => Pick<WatchDeps, 'paths' | 'schema'>;

export type SharedDeps = Omit<WatchDeps, 'paths' | 'schema'>;

export class WatchSources {
  private readonly active = new Map<string, { task: WatchTask; shape: string }>();
  private retired: WatchTask[] = [];
  private readonly off: () => void;

  constructor(
    private readonly shared: SharedDeps,
    private resolve: ResolveWatch,
  ) {
    this.off = shared.ctx.events.on('run.ended', (event) => {
      if (event.trigger !== 'watch') return;
      for (const { task } of this.active.values()) task.runEnded(event);
      for (const task of this.retired) task.runEnded(event);
    });
  }

  /** Starts every enabled watch task of the config. */
  start(config: Config): void {
    for (const task of config.tasks) if (task.enabled && task.watch) this.add(task);
  }

  /**
   * Stops at once the watch tasks a new config removes or disables (before anything of the new
   * config is awaited: the engine has it already and would refuse their runs); with `changed`,
   * also those whose watch block changed.
   */
  retire(config: Config, changed = false): void {
    const wanted = new Map(config.tasks.filter((t) => t.enabled && t.watch).map((t) => [t.name, t]));
    for (const [name, { task, shape }] of [...this.active]) {
      const next = wanted.get(name);
      if (next && (!changed || shapeOf(next) === shape)) continue;
      task.stop();
      this.retired.push(task);
      this.active.delete(name);
    }
  }

  /**
   * Applies a new config: removed, disabled or changed watch tasks stop; new and changed ones
   * start. A task given another folder leaves the files pending in the old one where they are.
   */
  reload(config: Config, resolve: ResolveWatch): void {
    this.resolve = resolve;
    const moved = this.folderChanges(config);
    this.retire(config, true);
    for (const change of moved) leaveOldFolder(this.shared.ctx, change);
    for (const task of config.tasks) if (task.enabled && task.watch && !this.active.has(task.name)) this.add(task);
    this.retired = this.retired.filter((task) => !task.idle);
  }

  /** The running tasks whose folder the new config changes. */
  private folderChanges(config: Config): FolderChange[] {
    const changes: FolderChange[] = [];
    for (const next of config.tasks) {
      const running = this.active.get(next.name)?.task;
      if (!running || !next.enabled || !next.watch || shapeOf(next) === shapeOf(running.task)) continue;
      const from = { path: running.task.watch!.path, dir: running.dir };
      const to = { path: next.watch.path, dir: this.resolve(next).paths.dir };
      if (from.dir !== to.dir) changes.push({ task: next.name, from, to });
    }
    return changes;
  }

  stop(): void {
    for (const { task } of this.active.values()) task.stop();
  }

  /** Every file run has ended and every ended file has been dealt with. */
  async settled(): Promise<void> {
    await Promise.all([...this.active.values()].map(({ task }) => task.settled()).concat(this.retired.map((task) => task.settled())));
    this.off();
  }

  counts(): Map<string, WatchCounts> {
    return new Map([...this.active].map(([name, { task }]) => [name, task.counts()]));
  }

  get(name: string): WatchTask | null {
    return this.active.get(name)?.task ?? null;
  }

  /** Adds one task: recovers what an earlier process left, then watches (daemon) or lists (once). */
  add(task: Task, names: Buffer[] | null = null): WatchTask {
    const deps: WatchDeps = { ...this.shared, ...this.resolve(task) };
    const watch = new WatchTask(task, deps);
    this.active.set(task.name, { task: watch, shape: shapeOf(task) });
    const followed = (runId: string) => this.retired.some((old) => old.flights.has(runId));
    const { store } = this.shared.ctx;
    store.batch(() => {
      // The folder a daemon's files were seen in is the daemon's to keep: once-mode (run --task,
      // perhaps with another --config while the daemon runs) neither records its own nor ends
      // the daemon's waiting files for being in another folder.
      if (deps.mode === 'daemon') {
        const seen = store.watchFiles.folderOf(task.name);
        const here = { path: task.watch!.path, dir: deps.paths.dir };
        if (seen && seen.dir !== here.dir) leaveFolderChangedWhileStopped(deps, { task: task.name, from: seen, to: here });
        if (seen?.dir !== here.dir || seen.path !== here.path) store.watchFiles.setFolder(task.name, here);
      }
      recoverFiles(watch, deps, followed);
    });
    watch.start(names);
    return watch;
  }
}

/** What makes a reload restart a task's watching: its watch block, command, env and cwd stay the engine's. */
function shapeOf(task: Task): string {
  return JSON.stringify(task.watch);
}
