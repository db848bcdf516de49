// What a watch task is made of, shared by its parts (queue, finisher, recovery).
import type { SchemaCheck } from '../../core/watch/checkJsonFile.js';
import type { Task } from '../../core/types.js';
import type { WatchFileRow } from '../../ports/watchFileStore.js';
import type { WatchFolder } from '../../ports/watchFolder.js';
import type { EngineContext } from '../context.js';
import type { Engine } from '../engine.js';

/** The folders of one watch task, absolute. */
export interface WatchPaths {
  dir: string;
  processedDir: string | null;
  failedDir: string | null;
  /** status/watch/<task> */
  statusDir: string;
}

export interface WatchDeps {
  ctx: EngineContext;
  engine: Engine;
  folder: WatchFolder;
  paths: WatchPaths;
  /** The compiled json_schema, or null. */
  schema: SchemaCheck | null;
  /** `daemon`: watch the folder for good; `once`: the files there now, then done (run --task). */
  mode: 'daemon' | 'once';
  /** Once-mode with --approved: the person approved the files' runs as they asked for them (no approval gate). */
  approved?: boolean;
  /** Is the conductor process that owns a run (pid and kernel start time) still alive? */
  ownerAlive(pid: number | null, startTicks: number | null): boolean;
  /** `processed_by` of the status files. */
  processedBy: string;
  /** How often the folder is listed again as a safety net (ms). */
  rescanMs: number;
}

/** A file whose run has been asked for (or is being prepared): it holds one of the task's workers. */
export interface Flight {
  row: WatchFileRow;
  task: Task;
  runId: string;
  /** 1..workers, for the status file's worker_id; 0 for a run picked up from before a restart. */
  slot: number;
  startedAt: number;
  correlationId: string;
  /** `dev:ino` of the file as its run started (null: not known, a run picked up after a restart). */
  inode: string | null;
}
