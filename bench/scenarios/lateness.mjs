// Firing lateness: the daemon with tasks on `* * * * * *`; each run's child records its own
// start (`date +%s%N`), and lateness is that instant minus the whole second just before it
// (the scheduled instant). Idle (1 task) and busy (100 tasks due on the same second, with
// settings.max_concurrent_tasks = 100 so none queues). The yardstick is a minimal Node
// scheduler (bench/yardstick/minimal-scheduler.mjs): setTimeout to the second, then spawn.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { alternate, makeCase, makeTempDir, removeDir, round, sleep, startDaemon, startMinimalScheduler, stats, taskName, writeConfig } from '../lib.mjs';

export const description = 'daemon firing lateness (scheduled second to child exec), idle and 100 tasks on one second';

export const sizes = {
  full: { idle_tasks: 1, busy_tasks: 100, idle_seconds: 25, busy_seconds: 12, rounds: 3, warmup_seconds: 2 },
  tiny: { idle_tasks: 1, busy_tasks: 5, idle_seconds: 4, busy_seconds: 2.5, rounds: 1, warmup_seconds: 0 },
};

const COMMAND = 'date +%s%N >> "$CONDUCTOR_HOME/fires/$CONDUCTOR_TASK"';

function tasksOf(count) {
  return Array.from({ length: count }, (_, i) => ({ name: taskName(i, 3), command: COMMAND }));
}

/** Reads the fires files: lateness (ms) of every fire scheduled at or after `fromMs`. */
function readFires(home, fromMs, toMs) {
  const dir = path.join(home, 'fires');
  const lateness = [];
  const seconds = new Set();
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!/^\d+$/.test(line)) continue;
      const ns = BigInt(line);
      const second = ns / 1_000_000_000n;
      if (Number(second) * 1000 < fromMs || Number(second) * 1000 > toMs) continue;
      seconds.add(Number(second));
      lateness.push(Number(ns % 1_000_000_000n) / 1e6);
    }
  }
  return { lateness, seconds: seconds.size };
}

function resetFires(home) {
  const dir = path.join(home, 'fires');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** The daemon's own view, from history: fire_at to the attempt's row (timer wake + bookkeeping), and skips. */
function historyView(home, fromMs, toMs) {
  const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT status, started_at, fire_at FROM attempts WHERE fire_at BETWEEN ? AND ?').all(fromMs, toMs);
    const ran = rows.filter((r) => r.status !== 'skipped');
    return {
      runs: ran.length,
      skipped: rows.length - ran.length,
      not_success: ran.filter((r) => r.status !== 'success').length,
      row_lateness_ms: ran.map((r) => r.started_at - r.fire_at),
    };
  } finally {
    db.close();
  }
}

async function measure(kind, count, params, log) {
  const tasks = tasksOf(count);
  const homes = { conductor: makeTempDir(`late-${kind}-c`), minimal: makeTempDir(`late-${kind}-m`), floor: makeTempDir(`late-${kind}-f`) };
  writeConfig(homes.conductor, {
    tasks: tasks.map((t) => ({ ...t, schedule: '* * * * * *' })),
    settings: { max_concurrent_tasks: Math.max(4, count), timezone: 'UTC' },
  });
  const all = { conductor: [], minimal: [], floor: [] };
  const detail = { fires_expected: { conductor: 0, minimal: 0, floor: 0 }, skipped: 0, not_success: 0, row_lateness_ms: [] };
  try {
    const side = (name) => async () => {
      const home = homes[name];
      resetFires(home);
      const proc =
        name === 'conductor'
          ? await startDaemon(home)
          : await startMinimalScheduler(home, { home, tasks, every_second: true, shell_fanout: name === 'floor' });
      const from = Date.now() + params.warmup_seconds * 1000;
      await sleep(params.seconds * 1000);
      const stopAt = Date.now();
      await proc.stop();
      // fires of seconds fully inside [from, stopAt)
      const firstSecond = Math.ceil(from / 1000);
      const lastSecond = Math.floor(stopAt / 1000) - 1;
      const expected = Math.max(0, lastSecond - firstSecond + 1) * count;
      const { lateness } = readFires(home, firstSecond * 1000, lastSecond * 1000);
      all[name].push(...lateness);
      detail.fires_expected[name] += expected;
      if (name === 'conductor') {
        const view = historyView(home, firstSecond * 1000, lastSecond * 1000);
        detail.skipped += view.skipped;
        detail.not_success += view.not_success;
        detail.row_lateness_ms.push(...view.row_lateness_ms);
      }
      const p99 = stats(lateness).p99;
      return p99 ?? NaN;
    };
    await alternate(params.rounds, { minimal: side('minimal'), conductor: side('conductor'), floor: side('floor') }, { log: (l) => log(`${l} (p99 ms, ${kind})`) });
  } finally {
    for (const home of Object.values(homes)) removeDir(home);
  }
  return { all, detail };
}

export async function run(params, { log }) {
  const cases = [];
  const notes = [
    'fires counted: those scheduled on whole seconds from warm-up end to the last whole second before SIGTERM; lateness = the child\'s own start (date +%s%N, the first thing the command does) minus the whole second just before it; the first warmup_seconds after start-up are left out on both sides',
    'yardstick: a minimal Node scheduler (setTimeout to the next second, then spawn /bin/sh -c in its own group with a log fd per run): the floor of Node timers + spawn on this machine',
    `busy case: ${params.busy_tasks} tasks on "* * * * * *" and settings.max_concurrent_tasks = ${Math.max(4, params.busy_tasks)} (so none waits for a slot)`,
    'os_floor: the same fires started by one /bin/sh per second that forks every task\'s command in the background (no Node spawn per task, no bookkeeping): roughly what this machine\'s kernel and CPUs allow for N children on one second',
    'row_lateness: fire_at to the started_at of the history row (the daemon\'s own bookkeeping before spawn), from the daemon\'s history',
  ];
  for (const [kind, count, seconds, limit] of [
    ['idle', params.idle_tasks, params.idle_seconds, 15],
    ['busy', params.busy_tasks, params.busy_seconds, 50],
  ]) {
    log(` ${kind}: ${count} task(s), ${params.rounds} x ${seconds} s per side`);
    const { all, detail } = await measure(kind, count, { ...params, seconds }, log);
    const observed = all.conductor.length;
    const rowStats = stats(detail.row_lateness_ms);
    if (rowStats.max !== null && rowStats.max > 900) notes.push(`${kind}: some fires were more than 0.9 s late: attributing a child start to "the second just before" may be wrong for them`);
    cases.push(
      makeCase({
        name: `${kind}: ${count} task${count === 1 ? '' : 's'} on * * * * * *`,
        unit: 'ms',
        samples: all.conductor,
        yardstick: { name: 'minimal node scheduler', samples: all.minimal },
        target: { text: `p99 under ${limit} ms`, stat: 'p99', op: '<=', limit },
        extra: {
          fires: observed,
          fires_expected: detail.fires_expected.conductor,
          yardstick_fires: all.minimal.length,
          yardstick_fires_expected: detail.fires_expected.minimal,
          skipped_fires: detail.skipped,
          runs_not_success: detail.not_success,
          row_lateness_ms: rowStats,
          spawn_to_exec_ms_approx: { p50: round((stats(all.conductor).p50 ?? 0) - (rowStats.p50 ?? 0), 3) },
          os_floor: { ...stats(all.floor), fires: all.floor.length, fires_expected: detail.fires_expected.floor, samples: all.floor.map((x) => round(x, 3)) },
        },
      }),
    );
  }
  return { cases, notes };
}
