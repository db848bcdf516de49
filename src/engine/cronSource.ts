// The cron source: one timer for the earliest due fire (re-armed at least every WAKE_CAP_MS so a
// wall-clock step is noticed), per-task cursors persisted as watermarks (a restart neither
// loses nor repeats a fire), catch-up at start, and every due fire handed to the engine as a
// request. Which fires are due is a pure decision (fireWindow, startDecision). In a cluster
// (settings.ha) a fire gate is given: due fires go to the engine only once the gate claimed them,
// a round trip later; without one the path stays synchronous: one commit per wake-up, or, in
// the daemon, one per chunk of a burst of due fires (BurstSplit).
import { startDecision } from '../core/scheduler/catchUp.js';
import { fireWindow, STEP_TOLERANCE_MS, type FireWindow } from '../core/scheduler/fireWindow.js';
import { cursorAfterStepBack } from '../core/scheduler/stepBack.js';
import type { EngineContext } from './context.js';
import type { Engine } from './engine.js';

export const WAKE_CAP_MS = 30_000;

interface Cursor {
  /** The last fire dealt with. */
  cursor: number;
  /** The next fire after it, or null. */
  nextAt: number | null;
  /** What the cursor was computed for: a changed schedule or zone starts from now. */
  timing: string;
}

export interface DueFire {
  task: string;
  fireAt: number;
  deadline: number | null;
  order: number;
  trigger: 'schedule' | 'catch_up';
}

/** Decides which due fires this scheduler may run (a cluster claims each once); the rest are not run here. */
export interface FireGate {
  claim(fires: readonly DueFire[]): Promise<readonly DueFire[]>;
}

/** A burst of more fires than `size` is recorded in commits of about `size` fires, each `defer`red to a later turn. */
export interface BurstSplit {
  size: number | null;
  defer(fn: () => void): void;
}

/** A task moved past its due fires by a wake (its cursor before, to go back on a failed commit). */
interface Moved {
  name: string;
  cursor: Cursor;
  before: number;
  nextAt: number | null;
  window: FireWindow;
  order: number;
}

/** Tasks in the order of their first fire, in chunks of at least `size` fires (a task's fires stay together). */
function splitBurst(due: readonly Moved[], size: number): Moved[][] {
  const chunks: Moved[][] = [];
  let chunk: Moved[] = [];
  let count = 0;
  for (const moved of due) {
    chunk.push(moved);
    count += moved.window.fires.length;
    if (count >= size) {
      chunks.push(chunk);
      chunk = [];
      count = 0;
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export class CronSource {
  private cursors = new Map<string, Cursor>();
  private cancelTimer: (() => void) | null = null;
  /** When the armed timer wakes (ms), or null when none is armed. */
  private armedAt: number | null = null;
  private lastWake = { wall: 0, mono: 0 };
  private stopped = false;
  /** After a failed tick, the next wake is no sooner than this (a failing disk must not spin the loop). */
  private notBefore = 0;
  /** The chunks of a burst not recorded yet (see wake). */
  private pendingBurst: Moved[][] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly engine: Engine,
    /** The longest the timer sleeps (to notice a wall-clock step); a simulated clock never steps. */
    private readonly wakeCapMs: number = WAKE_CAP_MS,
    private readonly gate: FireGate | null = null,
    /** How a burst is split (the daemon's); none: every wake is one commit (simulate, the tests' clock). */
    private readonly burst: BurstSplit = { size: null, defer: (fn) => fn() },
  ) {
    // A run asked for between two wakes (by hand, the API, a webhook) may wait with a deadline
    // or for an approval that expires before the armed timer: wake for it then, not at the cap.
    const deadlineCame = () => {
      const deadline = this.engine.nextDeadline();
      if (!this.stopped && this.armedAt !== null && deadline !== null && deadline < this.armedAt) this.arm();
    };
    ctx.events.on('run.awaiting_approval', deadlineCame);
    ctx.events.on('run.waiting', deadlineCame);
  }

  /** Loads cursors from the watermarks, fires missed fires of catch_up tasks, arms the timer (again after a stop). */
  start(): void {
    this.stopped = false;
    this.cursors.clear();
    const now = this.ctx.clock.now();
    this.lastWake = { wall: now, mono: this.ctx.clock.monotonic() };
    const catchUps: DueFire[] = [];
    this.ctx.store.batch(() => {
      for (const entry of this.engine.tasks.entries.values()) {
        if (!entry.schedule || !entry.task.enabled) continue;
        const name = entry.task.name;
        const watermark = this.ctx.store.getWatermark(name);
        // A task this home never scheduled before: everything up to now counts as dealt with, so
        // a later downtime over its first fire is still caught up.
        if (watermark === null) this.ctx.store.setWatermark(name, now);
        const decision = startDecision(entry.schedule, watermark, entry.task.catch_up, now);
        const cursor = cursorAfterStepBack(decision.cursor, now);
        const nextAt = entry.schedule.next(cursor);
        this.cursors.set(name, { cursor, nextAt, timing: timingOf(entry) });
        if (decision.kind === 'catch_up') {
          this.ctx.store.setWatermark(name, decision.fireAt);
          catchUps.push({ task: name, fireAt: decision.fireAt, deadline: nextAt, order: entry.order, trigger: 'catch_up' });
        }
      }
      if (!this.gate) this.hand(catchUps);
    });
    if (this.gate) this.handThroughGate(catchUps);
    this.arm();
  }

  /** After the engine took a new config: kept tasks keep their cursor unless their timing changed. */
  reload(): void {
    if (this.stopped) return; // a standby: its next start reads the new config
    this.recordBurst();
    const now = this.ctx.clock.now();
    const previous = this.cursors;
    this.cursors = new Map();
    for (const entry of this.engine.tasks.entries.values()) {
      if (!entry.schedule || !entry.task.enabled) continue;
      const old = previous.get(entry.task.name);
      const timing = timingOf(entry);
      const cursor = old ? (old.timing === timing ? old.cursor : Math.max(old.cursor, now)) : now;
      this.cursors.set(entry.task.name, { cursor, nextAt: entry.schedule.next(cursor), timing });
    }
    this.arm();
  }

  stop(): void {
    // A burst half recorded is recorded whole: its fires are the engine's to run or drain, as
    // those of a wake just before the stop are.
    if (!this.stopped) this.recordBurst();
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.armedAt = null;
    this.cursors.clear();
  }

  /** The next `count` fires, soonest first (for the banner, `status` and the API). */
  upcoming(count: number, task?: string): { task: string; at: number }[] {
    const list: { task: string; at: number }[] = [];
    for (const [name, cursor] of this.cursors) {
      if (task !== undefined && name !== task) continue;
      const schedule = this.engine.tasks.entries.get(name)?.schedule;
      let at = cursor.nextAt;
      for (let i = 0; i < count && at !== null && schedule; i++) {
        list.push({ task: name, at });
        at = schedule.next(at);
      }
    }
    return list.sort((a, b) => a.at - b.at).slice(0, count);
  }

  /** The monotonic instant (ms) the loop last woke (or started): `/health` tells a stalled loop by it. */
  lastTick(): number {
    return this.lastWake.mono;
  }

  /**
   * The next fire of one task, or null. Stopped (a standby of a cluster, or a daemon draining), it
   * answers from the schedule after `now`: the fire whoever leads will deal with.
   */
  nextFire(task: string, now?: number): number | null {
    const cursor = this.cursors.get(task);
    if (cursor || !this.stopped || now === undefined) return cursor?.nextAt ?? null;
    const entry = this.engine.tasks.entries.get(task);
    return entry?.task.enabled && entry.schedule ? entry.schedule.next(now) : null;
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.armedAt = null;
    if (this.stopped) return;
    const now = this.ctx.clock.now();
    let at = now + this.wakeCapMs;
    for (const cursor of this.cursors.values()) if (cursor.nextAt !== null && cursor.nextAt < at) at = cursor.nextAt;
    const deadline = this.engine.nextDeadline();
    if (deadline !== null && deadline < at) at = deadline;
    if (at < this.notBefore) at = this.notBefore;
    this.armedAt = at;
    this.cancelTimer = this.ctx.clock.at(at, () => {
      this.armedAt = null;
      this.wake();
    });
  }

  /**
   * The timer fired: expire dependency waits, then hand every due fire to the engine. Each task's
   * fires are recorded in the same commit as its watermark, so a crash neither loses nor repeats
   * one. A burst (more fires than `burst.size`) goes in several commits, the next a turn of the
   * event loop later: the first processes start while the rest are recorded (100 fires on one
   * second: the last no longer waits for the rows, logs and requests of all the others).
   */
  private wake(): void {
    if (this.stopped) return;
    this.recordBurst(); // what an earlier burst left is recorded first (a wake is a second later, at the soonest)
    const now = this.ctx.clock.now();
    const mono = this.ctx.clock.monotonic();
    const expectedNow = this.lastWake.wall + (mono - this.lastWake.mono);
    this.lastWake = { wall: now, mono };
    const stepped = Math.abs(now - expectedNow) > STEP_TOLERANCE_MS;
    const moved: Moved[] = [];
    for (const [name, cursor] of this.cursors) {
      // Nothing due and the clock did not step: the cached next fire says so without asking cron.
      if (!stepped && (cursor.nextAt === null || cursor.nextAt > now)) continue;
      const entry = this.engine.tasks.entries.get(name);
      if (!entry?.schedule) continue;
      const window = fireWindow(entry.schedule, cursor.cursor, now, expectedNow);
      moved.push({ name, cursor, before: cursor.cursor, nextAt: cursor.nextAt, window, order: entry.order });
      cursor.cursor = window.cursor;
      cursor.nextAt = window.next;
    }
    const due = moved.filter((m) => m.window.fires.length > 0).sort((a, b) => (a.window.fires[0] as number) - (b.window.fires[0] as number) || a.order - b.order);
    const chunks = this.burst.size !== null && !this.gate ? splitBurst(due, this.burst.size) : [due];
    const first = chunks.shift() ?? [];
    const fires = this.record(first, moved, () => this.engine.expireWaits(now));
    if (fires && this.gate) this.handThroughGate(fires);
    if (fires && chunks.length > 0) {
      this.pendingBurst = chunks;
      this.burst.defer(() => this.recordBurst(false));
    }
    this.arm();
  }

  /** The rest of a burst, one commit a turn (all at once when asked to: before a stop, a reload, the next wake). */
  recordBurst(all = true): void {
    while (this.pendingBurst.length > 0) {
      const chunk = this.pendingBurst.shift() as Moved[];
      const later = this.pendingBurst.flat();
      if (!this.record(chunk, chunk.concat(later))) {
        this.pendingBurst = [];
        this.arm();
        return;
      }
      if (!all && this.pendingBurst.length > 0) {
        this.burst.defer(() => this.recordBurst(false));
        return;
      }
    }
  }

  /**
   * One commit: the watermarks of `chunk`'s tasks, their missed-fire skips, their runs asked for
   * (unless a gate claims them first: then its fires are returned). On a failure nothing of it
   * was committed: the cursors of `undo` go back, to be dealt with again at the next wake.
   */
  private record(chunk: readonly Moved[], undo: readonly Moved[], first?: () => void): DueFire[] | null {
    const due: DueFire[] = [];
    try {
      this.ctx.store.batch(() => {
        first?.();
        for (const { name, window, order } of chunk) {
          if (!this.engine.tasks.entries.get(name)?.task.enabled) continue; // a reload while the burst was recorded
          this.ctx.store.setWatermark(name, window.cursor);
          if (window.missed > 0) {
            this.engine.skip({ task: name, trigger: 'schedule', fireAt: window.fires[0] ?? null }, `${window.missed} earlier fires missed: the scheduler was late`);
          }
          // Each fire waits on a dependency at most until the next one.
          window.fires.forEach((fireAt, i) => {
            due.push({ task: name, fireAt, deadline: window.fires[i + 1] ?? window.next, order, trigger: 'schedule' });
          });
        }
        if (!this.gate) this.hand(due);
      });
      return due;
    } catch (error) {
      // The history cannot be written (locked past the busy timeout, disk full): nothing of this
      // commit was made, so its fires are dealt with again at the next wake; the loop goes on
      // (and GET /health says degraded) rather than the daemon dying of it.
      for (const { cursor, before, nextAt } of undo) {
        cursor.cursor = before;
        cursor.nextAt = nextAt;
      }
      this.notBefore = this.ctx.clock.now() + 1000;
      this.ctx.logger.error({ err: (error as Error).message }, 'cannot record the fires due now; trying again at the next wake');
      return null;
    }
  }

  private hand(fires: DueFire[]): void {
    fires.sort((a, b) => a.fireAt - b.fireAt || a.order - b.order);
    for (const fire of fires) this.engine.request({ task: fire.task, trigger: fire.trigger, fireAt: fire.fireAt, deadline: fire.deadline });
    this.engine.dispatch();
  }

  /** The gate's claims, then the claimed fires to the engine in one commit, unless stopped meanwhile. */
  private handThroughGate(fires: DueFire[]): void {
    if (fires.length === 0 || !this.gate) return;
    fires.sort((a, b) => a.fireAt - b.fireAt || a.order - b.order);
    this.gate.claim(fires).then(
      (claimed) => {
        // A task removed or disabled by a reload while the claim was out is not asked for.
        const known = claimed.filter((fire) => this.engine.tasks.entries.get(fire.task)?.task.enabled);
        if (this.stopped || known.length === 0) return;
        try {
          this.ctx.store.batch(() => this.hand(known));
        } catch (error) {
          // Claimed in the cluster, so no other node runs them either: said loudly.
          this.ctx.logger.error({ err: (error as Error).message, fires: known.map((f) => `${f.task}@${new Date(f.fireAt).toISOString()}`) }, 'claimed fires could not be recorded: not run');
        }
      },
      (error: Error) => this.ctx.logger.error({ err: error.message, fires: fires.length }, 'the fire gate failed; these fires are not run here'),
    );
  }
}

function timingOf(entry: { task: { schedule: string | null }; timezone: string }): string {
  return `${entry.task.schedule}|${entry.timezone}`;
}
