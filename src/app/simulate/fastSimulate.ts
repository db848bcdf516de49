// `simulate`'s fast path: a discrete-event driver over the same pure decisions the Engine and
// CronSource call (next fire, admitRun, gateDependencies, the period and expiry rules, the ready
// queue), with lean state instead of the engine's bookkeeping (no run rows, ids, events, abort
// controllers). It replays the engine's order on the simulated clock exactly: one timer heap
// keyed (instant, creation), the cron wake armed before the attempts it started, and the runs
// that end at once finishing in the order they began. Tasks that share a schedule (expression
// and zone) share its fire sequence: each next fire is asked once per schedule. fastPathFits says which configs it models;
// test/app/simulateFastPath.test.ts holds it to the engine path on many generated configs.
import { admitRun } from '../../core/scheduler/admitRun.js';
import { dependencyPeriodStart } from '../../core/scheduler/dependencyPeriod.js';
import { expiredWaitReason } from '../../core/scheduler/expiredWait.js';
import { gateDependencies, type DependencyView } from '../../core/scheduler/gateDependencies.js';
import { enqueueInOrder, type QueueKey } from '../../core/scheduler/readyQueue.js';
import { buildTaskTable, type TaskEntry } from '../../core/scheduler/taskTable.js';
import type { RunStatus } from '../../core/types.js';
import { MinHeap } from './minHeap.js';
import type { SimulationInput } from './simulate.js';
import type { SimulatedFire } from './simulationLog.js';
import { simulatedRunEnd } from './simulatedAttempt.js';

/** Runs never counted as a task's last run (as the run stores keep it). */
const NOT_A_RUN: ReadonlySet<RunStatus> = new Set(['skipped', 'queued', 'awaiting_approval']);
/** Shared by every line that waited on nothing (printers only read it). */
const NO_WAITS: string[] = [];

interface TaskState {
  name: string;
  entry: TaskEntry;
  order: number;
  forbid: boolean;
  deps: TaskState[];
  durationMs: number;
  end: { status: RunStatus; reason: string | null };
  /** Runs not ended (queued, waiting, running). */
  active: number;
  /** Its last real run: status and start; `run` is that run while simulated (null: seeded or none). */
  lastStatus: RunStatus | null;
  lastStart: number;
  /** When its latest run ended, null while it goes. */
  lastEnd: number | null;
  lastRun: Run | null;
  /** Its schedule's clock, when it is enabled and scheduled. */
  clock: FireClock | null;
}

/**
 * The fires of one (expression, zone): tasks that share a schedule share its fire sequence, so
 * each next fire is asked once per schedule, not once per task (a config repeats its patterns).
 */
interface FireClock {
  schedule: NonNullable<TaskEntry['schedule']>;
  /** Its enabled tasks, in DAG order. */
  tasks: TaskState[];
  nextAt: number;
  /** The fire after `nextAt`, once asked at a wake (the deadline of the runs it requests). */
  following: number | null;
}

/** A run is its own key in the ready queue (`at`, its fire instant; `order`, its task's): no key object per comparison. */
interface Run extends QueueKey {
  task: TaskState;
  deadline: number | null;
  waitingOn: string | null;
  tracked: boolean;
  /** Its line's absolute number. */
  line: number;
}

interface Timer {
  at: number;
  seq: number;
  run: Run;
}

/** How many timers run between two questions to `outputReady`. */
const BATCH = 2048;

export async function fastSimulate(input: SimulationInput, emit: (fire: SimulatedFire) => void, outputReady?: () => Promise<void> | null): Promise<void> {
  const table = buildTaskTable(input.config);
  const limit = input.config.settings.max_concurrent_tasks;
  const tasks = new Map<string, TaskState>();
  for (const entry of table.entries.values()) {
    const durationMs = input.durationMs(entry.task.name);
    tasks.set(entry.task.name, {
      name: entry.task.name,
      entry,
      order: entry.order,
      forbid: entry.task.concurrency_policy !== 'allow',
      deps: [],
      durationMs,
      end: simulatedRunEnd(entry.task, durationMs),
      active: 0,
      lastStatus: null,
      lastStart: -Infinity,
      lastEnd: null,
      lastRun: null,
      clock: null,
    });
  }
  for (const state of tasks.values()) state.deps = state.entry.task.dependencies.map((d) => tasks.get(d) as TaskState);
  for (const run of input.lastRuns) {
    const state = tasks.get(run.task);
    const start = Date.parse(run.started_at);
    if (state && !NOT_A_RUN.has(run.status) && start >= state.lastStart) {
      state.lastStatus = run.status;
      state.lastStart = start;
      state.lastEnd = run.finished_at ? Date.parse(run.finished_at) : null;
    }
  }

  // Lines leave in the order their runs were asked for, each once final (as recordSimulation):
  // `lines[i]` is final when `done[i]`; `base` is the absolute number of lines[0].
  let lines: SimulatedFire[] = [];
  let done: boolean[] = [];
  let head = 0;
  let base = 0;
  const drain = () => {
    while (head < lines.length && done[head]) emit(lines[head++] as SimulatedFire);
    if (head > 4096 && head * 2 > lines.length) {
      lines = lines.slice(head);
      done = done.slice(head);
      base += head;
      head = 0;
    }
  };
  /** A new line (its absolute number is returned): at its request, as the engine's first event of the run makes it. */
  const newLine = (task: string, at: number): number => {
    lines.push({ at, task, trigger: 'schedule', waits_on: NO_WAITS, outcome: 'run', reason: null, start: null, end: null });
    done.push(false);
    return base + lines.length - 1;
  };
  const lineOf = (n: number) => lines[n - base] as SimulatedFire;
  const settleLine = (n: number) => {
    done[n - base] = true;
    if (n - base === head) drain();
  };

  let now = input.from;
  let seq = 0;
  let running = 0;
  let queue: Run[] = [];
  let waiting: Run[] = [];
  /** Runs begun since the last settle, in order: their timers are armed (or they end) then. */
  const begun: Run[] = [];
  const timers = new MinHeap<Timer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  // The schedules' next fires, one clock per (expression, zone), in a heap by instant.
  const clocks = new MinHeap<FireClock>((a, b) => a.nextAt < b.nextAt);
  const arm = (clock: FireClock, next: number | null) => {
    if (next === null) return;
    clock.nextAt = next;
    clocks.push(clock);
  };

  const view = (dep: TaskState, dependent: TaskState, at: number): DependencyView => ({
    name: dep.name,
    enabled: dep.entry.task.enabled,
    paused: false,
    active: dep.active > 0,
    lastRun: dep.lastStatus === null ? null : { status: dep.lastStatus, startedAt: dep.lastStart, finishedAt: dep.lastEnd },
    byEnd: !dep.entry.schedule,
    periodStart: dependencyPeriodStart(dep.entry.schedule, dependent.entry.schedule, at),
  });
  const gate = (run: Run) => gateDependencies(run.task.deps.map((dep) => view(dep, run.task, run.at)));

  const untrack = (run: Run) => {
    if (!run.tracked) return;
    run.tracked = false;
    run.task.active--;
  };
  const enqueue = (run: Run) => enqueueInOrder<Run>(queue, run, (r) => r);
  const skipLine = (n: number, reason: string) => {
    const line = lineOf(n);
    line.outcome = 'skipped';
    line.reason = reason;
    line.end = null;
    settleLine(n);
  };

  const regateWaiting = (ended: TaskState) => {
    if (waiting.length === 0) return;
    const affected = waiting.filter((run) => run.task.deps.includes(ended)).sort((a, b) => a.task.order - b.task.order);
    for (const run of affected) {
      if (!waiting.includes(run)) continue;
      // As the engine's regateWaiting: a wait whose deadline has come ends as expireWaits ends it.
      if (run.deadline !== null && run.deadline <= now) {
        endUnstarted(run, expiredWaitReason(run.task.entry.task.dependencies, (d) => d === ended.name || (tasks.get(d) as TaskState).active > 0, run.waitingOn));
        continue;
      }
      const decision = gate(run);
      if (decision.kind === 'wait') continue;
      waiting = waiting.filter((r) => r !== run);
      if (decision.kind === 'skip') endUnstarted(run, decision.reason);
      else enqueue(run);
    }
  };

  /** A run that never started ends skipped (Engine.endUnstarted); a second end is a line of its own, as the engine's events make it. */
  function endUnstarted(run: Run, reason: string): void {
    waiting = waiting.filter((r) => r !== run);
    queue = queue.filter((r) => r !== run);
    untrack(run);
    if (run.line < base || done[run.line - base]) skipLine(newLine(run.task.name, run.at), reason);
    else skipLine(run.line, reason);
    regateWaiting(run.task);
  }

  const dispatch = () => {
    while (running < limit && queue.length > 0) {
      const run = queue.shift() as Run;
      running++;
      const task = run.task;
      if (now >= task.lastStart) {
        task.lastRun = run;
        task.lastStatus = 'running';
        task.lastStart = now;
        task.lastEnd = null;
      }
      lineOf(run.line).start = now;
      begun.push(run);
    }
  };

  const finish = (run: Run) => {
    running--;
    untrack(run);
    const task = run.task;
    if (task.lastRun === run) {
      task.lastStatus = task.end.status;
      task.lastEnd = now;
    }
    const line = lineOf(run.line);
    line.outcome = task.end.status === 'success' ? 'run' : (task.end.status as SimulatedFire['outcome']);
    line.reason = task.end.reason;
    line.end = now;
    settleLine(run.line);
    regateWaiting(task);
    dispatch();
  };

  /** The microtasks after a timer: begun attempts arm their timers, those of no duration end, in the order they began. */
  const settle = () => {
    for (let i = 0; i < begun.length; i++) {
      const run = begun[i] as Run;
      if (run.task.durationMs > 0) {
        const at = now + Math.min(run.task.durationMs, run.task.entry.task.timeout * 1000);
        timers.push({ at, seq: seq++, run });
      } else finish(run);
    }
    begun.length = 0;
  };

  const request = (task: TaskState, fireAt: number, deadline: number | null) => {
    const line = newLine(task.name, fireAt);
    const admission = admitRun(task.forbid ? 'forbid' : 'allow', task.active > 0 ? 'busy' : 'idle');
    if (admission.kind === 'skip') return skipLine(line, admission.reason);
    const run: Run = { task, at: fireAt, order: task.order, deadline, waitingOn: null, tracked: false, line };
    if (task.deps.length > 0) {
      const decision = gate(run);
      if (decision.kind === 'skip') return skipLine(line, decision.reason);
      if (decision.kind === 'wait') {
        run.tracked = true;
        task.active++;
        run.waitingOn = decision.on;
        lineOf(line).waits_on = [decision.on];
        waiting.push(run);
        return;
      }
    }
    run.tracked = true;
    task.active++;
    enqueue(run);
  };

  /** The cron source's wake: expired waits, then every fire due now in DAG order, then dispatch. */
  const wake = () => {
    if (waiting.length > 0) {
      for (const run of [...waiting]) {
        if (run.deadline === null || run.deadline > now || !waiting.includes(run)) continue;
        endUnstarted(run, expiredWaitReason(run.task.entry.task.dependencies, (d) => (tasks.get(d) as TaskState).active > 0, run.waitingOn));
      }
    }
    // The wake comes at the earliest next fire, so each due task has that one fire (fireWindow's
    // answer for a clock that neither stepped nor ran late), its deadline the fire after it.
    const clock = clocks.peek();
    if (clock && clock.nextAt === now) {
      clocks.pop();
      let due = clock.tasks;
      if (clocks.peek()?.nextAt === now) {
        // Several schedules fire now: their tasks go in DAG order, as the engine's one list.
        const dueClocks = [clock];
        while (clocks.peek()?.nextAt === now) dueClocks.push(clocks.pop() as FireClock);
        for (const c of dueClocks) c.following = c.schedule.next(now);
        due = dueClocks.flatMap((c) => c.tasks).sort((a, b) => a.order - b.order);
        for (const task of due) request(task, now, (task.clock as FireClock).following);
        for (const c of dueClocks) arm(c, c.following);
      } else {
        const following = clock.schedule.next(now);
        for (const task of due) request(task, now, following);
        arm(clock, following);
      }
    }
    dispatch();
  };

  const byKey = new Map<string, FireClock>();
  for (const task of [...tasks.values()].sort((a, b) => a.order - b.order)) {
    const schedule = task.entry.schedule;
    if (!schedule || !task.entry.task.enabled) continue;
    const key = `${schedule.timezone}\u0000${schedule.expression}`;
    let clock = byKey.get(key);
    if (!clock) byKey.set(key, (clock = { schedule, tasks: [], nextAt: NaN, following: null }));
    clock.tasks.push(task);
    task.clock = clock;
  }
  for (const clock of byKey.values()) arm(clock, clock.schedule.next(input.from));
  let cronSeq = seq++;
  for (let steps = 1; ; steps++) {
    if (outputReady && steps % BATCH === 0) {
      const backedUp = outputReady();
      if (backedUp) await backedUp;
    }
    const timer = timers.peek();
    const cronAt = clocks.peek()?.nextAt ?? Infinity;
    const cronFirst = !timer || cronAt < timer.at || (cronAt === timer.at && cronSeq < timer.seq);
    const at = cronFirst ? cronAt : (timer as Timer).at;
    if (at > input.until) break;
    if (at > now) now = at;
    if (cronFirst) {
      wake();
      cronSeq = seq++;
    } else finish((timers.pop() as Timer).run);
    settle();
  }
  for (let i = head; i < lines.length; i++) {
    const line = lines[i] as SimulatedFire;
    if (!done[i] && line.start === null) line.outcome = 'pending';
    done[i] = true;
  }
  drain();
}
