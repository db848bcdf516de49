// The local executor: one attempt is `/bin/sh -c COMMAND` as the leader of its own process group
// on this machine. It owns everything about processes: the timeout, the SIGTERM -> SIGKILL
// escalation after kill_grace, reaping whatever the shell left in its group (no grandchild
// survives a run; those that escaped it with setsid are found and stopped too where the back end
// can see them), and stopping what a dead conductor left behind. A spawn back end (the C helper,
// or execa) only starts processes and reports their exits.
import type { Clock } from '../../ports/clock.js';
import type { AttemptEnd, AttemptSpec, AttemptStarted, Executor } from '../../ports/executor.js';
import { groupHasLiveMember, isSameProcess, processStartTicks } from './procfs.js';
import type { RunningProcess, SpawnBackend } from './spawnBackend.js';
import { stopStrays } from './stopStrays.js';

/** How long to go on signalling a group that survives SIGKILL (uninterruptible sleep) before giving up. */
const SURVIVOR_WAIT_MS = 5000;

/** The longest a start or an end is held for a burst of starts: a stuck back end must not hold every end. */
const STARTS_FIRST_MAX_MS = 1000;

export interface LocalExecutorOptions {
  /** Told of a run whose processes survive SIGKILL (uninterruptible sleep). */
  onSurvivor?: (task: string, handle: string) => void;
  /**
   * Starts first: an attempt's start notice and its end, when they come while the back end still
   * has a burst of processes to start (100 tasks due on one second), are told once those have
   * started (a second at most), with the times they happened. Their bookkeeping (commits, health
   * file, log lines, the runs an end sets off) then does not take the CPU those starts need.
   * Off in a worker, whose ends go back to the scheduler.
   */
  startsFirst?: boolean;
}

export function createLocalExecutor(backend: SpawnBackend, clock: Clock, options: LocalExecutorOptions = {}): Executor {
  const { onSurvivor = () => {}, startsFirst = false } = options;
  return {
    remote: false,
    stopsWithConductor: backend.stopsWithConductor === true,
    run: (spec, onStarted) => runAttempt(backend, clock, spec, onStarted, onSurvivor, startsFirst),
    recover: (handle, killGraceMs) => recoverGroup(handle, killGraceMs, clock),
    close: async () => {},
  };
}

async function runAttempt(
  backend: SpawnBackend,
  clock: Clock,
  spec: AttemptSpec,
  onStarted: (started: AttemptStarted) => void,
  onSurvivor: (task: string, handle: string) => void,
  startsFirst: boolean,
): Promise<AttemptEnd> {
  const startedAt = clock.now();
  const child = backend.start({
    command: spec.command,
    cwd: spec.cwd,
    env: spec.env,
    outputFd: spec.output.fd,
    // The same open file, by a path the spawn helper can open (survives a rotation in between).
    outputPath: `/proc/${process.pid}/fd/${spec.output.fd}`,
    killGraceMs: spec.killGraceMs,
  });
  // When the shell's exit was seen: the attempt's end, unless something of it had to be stopped after.
  const exitSeen = child.exited.then(() => clock.now());
  await child.ready;
  // Starts first: the start is told (its row's handle, the event) once a burst is started.
  const startsLeft = startsFirst ? startsCaughtUp(backend, clock) : null;
  if (startsLeft) await startsLeft;
  if (child.pid > 0) onStarted({ handle: localHandle(child.pid, child.startTicks), label: `pid ${child.pid}`, worker: null });

  const escalation: { cancel: (() => void) | null } = { cancel: null };
  const stop = () => {
    if (escalation.cancel) return;
    child.signalGroup('SIGTERM');
    escalation.cancel = clock.at(clock.now() + spec.killGraceMs, () => child.signalGroup('SIGKILL'));
  };
  const kill = () => child.signalGroup('SIGKILL');
  spec.signal.addEventListener('abort', stop);
  spec.killSignal?.addEventListener('abort', kill);
  if (spec.signal.aborted) stop();
  if (spec.killSignal?.aborted) kill();
  let timedOut = false;
  const cancelTimeout = clock.at(startedAt + spec.timeoutMs, () => {
    timedOut = true;
    stop();
  });
  const exit = await child.exited;
  cancelTimeout();
  spec.signal.removeEventListener('abort', stop);
  spec.killSignal?.removeEventListener('abort', kill);
  // The back end may have seen the group empty as it reaped the shell, and listed its strays then.
  const reaped = child.reaped?.groupEmpty ? child.reaped : null;
  const lingering = !reaped && child.groupAlive();
  const survived = lingering ? await reapGroup(child, clock, spec.killGraceMs) : false;
  escalation.cancel?.();
  if (survived) onSurvivor(spec.task, localHandle(child.pid, child.startTicks));
  const marks = ['CONDUCTOR_RUN_ID', 'CONDUCTOR_ATTEMPT'].filter((k) => spec.env[k] !== undefined).map((k) => `${k}=${spec.env[k]}`);
  const candidates = child.pid > 0 ? (reaped?.strays ?? child.strays?.() ?? null) : null;
  const escaped = candidates && candidates.length > 0 ? await stopStrays(candidates, marks, clock, spec.killGraceMs) : null;
  const endedAt = lingering || escaped !== null ? clock.now() : await exitSeen;
  // Starts first: the end is told once a burst is started, with the time it happened.
  const backlog = startsFirst ? startsCaughtUp(backend, clock) : null;
  if (backlog) await backlog;
  return { exitCode: exit.exitCode, signal: exit.signal, startError: exit.startError, timedOut, lost: null, escaped, endedAt };
}

/** While the back end has a burst of starts to make, a promise of their end, or of STARTS_FIRST_MAX_MS. */
function startsCaughtUp(backend: SpawnBackend, clock: Clock): Promise<void> | null {
  const backlog = backend.whenStartsCatchUp?.();
  if (!backlog) return null;
  return new Promise((resolve) => {
    const cancel = clock.at(clock.now() + STARTS_FIRST_MAX_MS, resolve);
    void backlog.then(() => {
      cancel();
      resolve();
    });
  });
}

/**
 * The shell has exited and its group lives on; stop whatever it left behind in it: SIGTERM,
 * SIGKILL after the grace. True when something survives SIGKILL too (a process in uninterruptible sleep).
 */
async function reapGroup(child: RunningProcess, clock: Clock, killGraceMs: number): Promise<boolean> {
  child.signalGroup('SIGTERM');
  const killAt = clock.now() + killGraceMs;
  let killed = false;
  let wait = 5;
  while (child.groupAlive()) {
    const now = clock.now();
    if (!killed && now >= killAt) {
      child.signalGroup('SIGKILL');
      killed = true;
    } else if (killed && now >= killAt + SURVIVOR_WAIT_MS) {
      return true;
    }
    await sleep(clock, wait);
    wait = Math.min(wait * 2, 100);
  }
  return false;
}

export function localHandle(pid: number, startTicks: number | null): string {
  return `local:${pid}:${startTicks ?? ''}`;
}

export function parseLocalHandle(handle: string): { pid: number; startTicks: number | null } | null {
  const match = /^local:(\d+):(\d*)$/.exec(handle);
  if (!match) return null;
  return { pid: Number(match[1]), startTicks: match[2] === '' ? null : Number(match[2]) };
}

/**
 * A conductor died while this attempt ran. Its group is ours to stop when its leader is the same
 * process (pid and start time) or is gone while other members live on (a background child of a
 * shell that exited); a live process with that pid but another start time owns the group now.
 */
async function recoverGroup(handle: string, killGraceMs: number, clock: Clock): Promise<number | null> {
  const parsed = parseLocalHandle(handle);
  if (!parsed) return null;
  const { pid, startTicks } = parsed;
  const leaderStart = processStartTicks(pid);
  const leaderIsOurs = leaderStart !== null && isSameProcess(pid, startTicks);
  if (leaderStart !== null && !leaderIsOurs) return null;
  if (!groupHasLiveMember(pid)) return null;
  signal(pid, 'SIGTERM');
  const deadline = clock.now() + killGraceMs;
  while (groupHasLiveMember(pid) && clock.now() < deadline) await sleep(clock, 50);
  if (!groupHasLiveMember(pid)) return 143;
  signal(pid, 'SIGKILL');
  return 137;
}

function signal(pgid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch {
    // gone in between
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.at(clock.now() + ms, resolve));
}
