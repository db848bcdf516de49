// Starting a local process group: what the local executor asks of a spawn back end (the C spawn
// helper, or execa). The local executor adds timeouts, stopping and reaping on top.
import type { AtomicFileWriter } from '../atomicWrite.js';
export interface ProcessSpec {
  command: string;
  cwd: string;
  /** Variables set on top of this process's own environment (a name already there is replaced). */
  env: Record<string, string>;
  /** An open file descriptor that receives both stdout and stderr. */
  outputFd: number;
  /**
   * The path of the file `outputFd` is open on, for adapters that start the process in another
   * process and so cannot hand it the descriptor (the spawn helper opens it for appending).
   */
  outputPath?: string;
  /**
   * SIGTERM -> SIGKILL grace, for a back end that stops the group itself when the conductor dies
   * (the spawn helper); default 10 s.
   */
  killGraceMs?: number;
}

export interface ProcessExit {
  /** The process's exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The name of the signal that ended it, e.g. `SIGTERM`. */
  signal: string | null;
  /** Set when the process could not be started at all (spawn error). */
  startError: string | null;
}

export interface RunningProcess {
  /** The process id, which leads the process group; -1 until `ready` resolves, or when it could not start. */
  pid: number;
  /** The process start time as the kernel knows it (clock ticks since boot), to tell a recycled pid. */
  startTicks: number | null;
  /**
   * Resolves (never rejects) once `pid` and `startTicks` are set or the start has failed. Absent
   * when the adapter knows them as soon as `start()` returns.
   */
  ready?: Promise<void>;
  /** Resolves when the process has exited. */
  exited: Promise<ProcessExit>;
  /** Sends a signal to the process's whole group; false when no process of it was left. */
  signalGroup(signal: NodeJS.Signals): boolean;
  /** True while some process of the group is still alive. */
  groupAlive(): boolean;
  /**
   * Processes started by any run that left their process group and outlived their parent (setsid,
   * a double fork), which this back end took in as a subreaper (the spawn helper; absent for execa,
   * whose strays go to init unseen). The caller tells whose they are (their environment).
   */
  strays?(): number[];
  /**
   * What the back end saw as it reaped the process, when it tells (the spawn helper), set by the
   * time `exited` resolves: whether no process of the group was left, and then the strays it had
   * taken in by that moment (null: not listed). An empty group never gains a member, and whatever
   * left it was taken in before its last member ended: nothing is left to reap or to look for.
   */
  reaped?: { groupEmpty: boolean; strays: number[] | null } | null;
}

export interface SpawnBackend {
  start(spec: ProcessSpec): RunningProcess;
  /** Writes files atomically in the back end's own process (the spawn helper's writer thread); absent for execa. */
  readonly files?: AtomicFileWriter;
  /**
   * While two or more of the processes asked for are not started yet (a burst that the back end
   * starts one after another), a promise that resolves once fewer than two wait; null otherwise.
   * Absent when the back end does not say (execa has started each process when `start` returns).
   */
  whenStartsCatchUp?(): Promise<void> | null;
  /**
   * Every process it started is stopped when this conductor dies, however it dies (the spawn
   * helper's parent death signal): a dead conductor's runs leave nothing running behind.
   */
  readonly stopsWithConductor?: boolean;
}
