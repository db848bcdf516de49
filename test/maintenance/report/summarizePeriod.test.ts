// The report's numbers from a real history database (SQLite aggregates, summarizePeriod
// shapes), its reading of cleanup_actions.log, and its markdown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_TABLE, queryPeriodHistory } from '../../../src/adapters/sqlite/historyQueries.js';
import { openRunStore } from '../../../src/adapters/sqlite/sqliteRunStore.js';
import type { RunRecord, RunStatus } from '../../../src/core/types.js';
import type { Report } from '../../../src/maintenance/report/buildReport.js';
import { countActions, parseActionLine } from '../../../src/maintenance/report/countActions.js';
import { renderReportMarkdown } from '../../../src/maintenance/report/renderMarkdown.js';
import { summarizePeriod } from '../../../src/maintenance/report/summarizePeriod.js';

let seq = 0;
function row(task: string, status: RunStatus, extra: Partial<RunRecord> = {}): RunRecord {
  seq += 1;
  return {
    run_id: `run-${seq}`,
    task,
    attempt: 1,
    trigger: 'schedule',
    status,
    started_at: new Date(Date.parse('2025-06-02T10:00:00.000Z') + seq * 60_000).toISOString(),
    finished_at: null,
    exit_code: status === 'success' ? 0 : null,
    signal: null,
    duration_ms: status === 'skipped' ? 0 : status === 'running' ? null : seq * 100,
    reason: null,
    worker: null,
    ...extra,
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The rows written to a fresh history database (the conductor's schema), aggregated over all time. */
function aggregate(rows: RunRecord[], known: string[] = [], failureLimit = 200) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-report-'));
  dirs.push(dir);
  const file = path.join(dir, 'conductor.db');
  openRunStore(file).close();
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO ${HISTORY_TABLE} (run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason)
     VALUES (@run_id, @task, @attempt, @trigger, @status, @started, NULL, @exit_code, @signal, @duration_ms, @reason)`,
  );
  db.transaction(() => rows.forEach((r) => insert.run({ ...r, started: Date.parse(r.started_at) })))();
  db.close();
  return summarizePeriod(queryPeriodHistory(file, { sinceMs: 0, untilMs: Date.parse('2030-01-01T00:00:00Z'), failureLimit }), known);
}

describe('the report over a history', () => {
  it('counts a retried run once, by its last attempt, and every attempt duration', () => {
    const rows = [
      row('scan', 'failed', { run_id: 'a', attempt: 1, duration_ms: 100 }),
      row('scan', 'success', { run_id: 'a', attempt: 2, duration_ms: 300 }),
      row('scan', 'timeout', { run_id: 'b', attempt: 1, duration_ms: 1000, exit_code: 124, reason: 'timed out after 1s' }),
      row('scan', 'skipped', { reason: 'dependency x failed' }),
    ];
    const { tasks, totals, failures, failures_omitted } = aggregate(rows);
    expect(tasks).toEqual([
      { task: 'scan', runs: 2, successes: 1, failures: 0, timeouts: 1, interrupted: 0, running: 0, skipped: 1, attempts: 3, p50_duration_ms: 300, max_duration_ms: 1000 },
    ]);
    expect(totals).toMatchObject({ runs: 2, successes: 1, timeouts: 1, skipped: 1, attempts: 3 });
    expect(failures).toEqual([
      { task: 'scan', run_id: 'b', status: 'timeout', started_at: rows[2]?.started_at, attempts: 1, exit_code: 124, signal: null, reason: 'timed out after 1s' },
    ]);
    expect(failures_omitted).toBe(0);
  });

  it('lists a run that failed after all its retries once, with its attempts', () => {
    const rows = [1, 2, 3].map((attempt) => row('clean', 'failed', { run_id: 'c', attempt, exit_code: 1, reason: 'exit code 1' }));
    const { failures, tasks } = aggregate(rows);
    expect(tasks[0]).toMatchObject({ runs: 1, failures: 1, attempts: 3 });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ run_id: 'c', attempts: 3, started_at: rows[2]?.started_at });
  });

  it('lists configured tasks without rows first, in config order, then the others by name', () => {
    const { tasks } = aggregate([row('zeta', 'success'), row('alpha', 'running')], ['second', 'first']);
    expect(tasks.map((t) => t.task)).toEqual(['second', 'first', 'alpha', 'zeta']);
    expect(tasks[0]).toMatchObject({ runs: 0, p50_duration_ms: null, max_duration_ms: null });
    expect(tasks[2]).toMatchObject({ runs: 1, running: 1, p50_duration_ms: null });
  });

  it('orders failures across tasks by time', () => {
    const first = row('b', 'failed');
    const second = row('a', 'failed');
    expect(aggregate([first, second]).failures.map((f) => f.task)).toEqual(['b', 'a']);
  });

  it('lists only the latest failed runs, oldest first, and counts the others', () => {
    const rows = [row('x', 'failed'), row('x', 'timeout'), row('x', 'success'), row('x', 'failed')];
    const { failures, failures_omitted } = aggregate(rows, [], 2);
    expect(failures.map((f) => f.run_id)).toEqual([rows[1]?.run_id, rows[3]?.run_id]);
    expect(failures_omitted).toBe(1);
  });

  it.each([
    [[7], 7],
    [[1, 2], 1],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2],
  ])('takes the nearest-rank median of the durations %j: %i', (durations, median) => {
    const { tasks } = aggregate([...durations.map((duration_ms) => row('m', 'success', { duration_ms })), row('m', 'running'), row('m', 'skipped')]);
    expect(tasks[0]).toMatchObject({ p50_duration_ms: median, max_duration_ms: Math.max(...durations) });
  });
});

describe('parseActionLine', () => {
  it.each([
    ['2025-06-02T10:00:00.000Z move ok "a b.tmp" -> .quarantine/x/a b.tmp (temp file)', { action: 'move', outcome: 'ok' }],
    ['2025-06-02T10:00:00.000Z batch-start ok - 20250602-1: 3 to move (cleanup)', { action: 'batch-start', outcome: 'ok' }],
    ['2025-06-02T10:00:00Z expire-prune ok "x"', { action: 'expire-prune', outcome: 'ok' }],
  ])('reads %j', (line, expected) => {
    expect(parseActionLine(line)).toMatchObject({ ...expected, at: Date.parse(line.split(' ')[0] as string) });
  });

  it.each(['', 'garbage', 'yesterday move ok "x"', '2025-13-45T99:00:00Z move ok', '2025-06-02T10:00:00Z move', '2025-06-02T10:00:00Z "move" ok x'])(
    'does not read %j',
    (line) => {
      expect(parseActionLine(line)).toBeNull();
    },
  );
});

describe('countActions', () => {
  const since = Date.parse('2025-06-01T00:00:00Z');
  const until = Date.parse('2025-06-08T00:00:00Z');

  it('counts the period by action and outcome, and the lines it cannot read', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-actions-'));
    try {
      fs.writeFileSync(
        path.join(root, 'cleanup_actions.log'),
        [
          '2025-05-01T00:00:00.000Z move ok "old"',
          '2025-06-02T00:00:00.000Z move ok "a"',
          '2025-06-02T00:00:01.000Z move ok "b"',
          '2025-06-02T00:00:02.000Z move failed "c" EACCES',
          '2025-06-03T00:00:00.000Z constructor ok -',
          'this line is not an action',
          '',
          '2025-06-09T00:00:00.000Z purge ok -',
        ].join('\n'),
      );
      const counts = await countActions(root, since, until);
      expect(counts).toMatchObject({ present: true, note: null, total: 4, unparsed: 1 });
      expect(counts.by_action).toEqual({ move: { ok: 2, failed: 1 }, constructor: { ok: 1 } });
      expect(({} as Record<string, unknown>).constructor).toBe(Object);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says when there is no log', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-actions-'));
    try {
      expect(await countActions(root, since, until)).toMatchObject({ present: false, total: 0, unparsed: 0, by_action: {} });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('does not follow a log that is a symlink (it could point outside the root)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-actions-'));
    try {
      fs.writeFileSync(path.join(root, 'elsewhere.log'), '2025-06-02T00:00:00.000Z move ok "a"\n');
      fs.symlinkSync('elsewhere.log', path.join(root, 'cleanup_actions.log'));
      const counts = await countActions(root, since, until);
      expect(counts).toMatchObject({ present: true, total: 0 });
      expect(counts.note).toMatch(/not a regular file/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('renderReportMarkdown', () => {
  const base: Report = {
    generated_at: '2025-06-08T00:00:00.000Z',
    period: '1w',
    since: '2025-06-01T00:00:00.000Z',
    until: '2025-06-08T00:00:00.000Z',
    root: '/srv/project',
    totals: { runs: 0, successes: 0, failures: 0, timeouts: 0, interrupted: 0, running: 0, skipped: 0, attempts: 0 },
    tasks: [],
    failures: [],
    failures_omitted: 0,
    cleanup_actions: { file: '/srv/project/cleanup_actions.log', present: false, note: null, total: 0, unparsed: 0, by_action: {} },
    notes: [],
  };

  it('says there were no runs and no cleanup log', () => {
    const text = renderReportMarkdown(base);
    expect(text).toContain('## Symphony conductor report: last 1w');
    expect(text).toContain('2025-06-01 00:00 UTC to 2025-06-08 00:00 UTC');
    expect(text).toContain('No runs in this period.');
    expect(text).toContain('### Failures\n\nNone.');
    expect(text).toContain('No `cleanup_actions.log` in the root');
  });

  it('writes a table per task, the failures with time and reason, and the action counts', () => {
    const { tasks, totals, failures } = aggregate([
      row('scan', 'success', { duration_ms: 2500 }),
      row('scan', 'failed', { run_id: 'f', attempt: 2, exit_code: 3, reason: 'exit code 3 | pipe', duration_ms: 1000 }),
    ]);
    const text = renderReportMarkdown({
      ...base,
      tasks,
      totals,
      failures,
      cleanup_actions: { ...base.cleanup_actions, present: true, total: 3, unparsed: 2, by_action: { move: { ok: 2, failed: 1 } } },
    });
    expect(text).toContain('**2 runs** (2 attempts): 1 succeeded, 1 failed, 0 timed out; 0 skipped fires.');
    expect(text).toMatch(/\| `scan` \| 2 \| 1 \| 1 \| 0 \| 0 \| 0 \| \S+ \| 2\.5s \|/);
    expect(text).toMatch(/- 2025-06-02 \d\d:\d\d UTC `scan` failed after 2 attempts: exit code 3 \\\| pipe \(run f\)/);
    expect(text).toContain('| move | failed | 1 |\n| move | ok | 2 |');
    expect(text).toContain('2 lines of the log could not be read as actions.');
  });

  it('says how many older failed runs are not listed', () => {
    expect(renderReportMarkdown({ ...base, failures_omitted: 3 })).toContain('- ... and 3 older failed runs, not listed');
  });
});
