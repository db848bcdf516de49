// `report --since 30d` over a big history (issue 9 #13): SQLite aggregates it, so the numbers
// are exact and memory does not grow with the rows: the CLI runs with a 32 MB heap, which the
// old report (every row loaded as an object) ran out of at this size. 200,000 rows are written
// straight into the history table; the expected numbers are counted here as the rows are made.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_TABLE } from '../../../src/adapters/sqlite/historyQueries.js';
import { openRunStore } from '../../../src/adapters/sqlite/sqliteRunStore.js';
import { makeHome, runCli } from '../../helpers/cli.js';

const ROWS = 200_000;
const TASKS = 20;
const KINDS = ['success', 'success', 'success', 'success', 'success', 'success', 'failed', 'timeout', 'skipped', 'interrupted'] as const;

interface Expected {
  runs: number;
  successes: number;
  failures: number;
  timeouts: number;
  interrupted: number;
  skipped: number;
  attempts: number;
  durations: Map<string, number[]>;
}

let home: string;
const expected: Expected = { runs: 0, successes: 0, failures: 0, timeouts: 0, interrupted: 0, skipped: 0, attempts: 0, durations: new Map() };

beforeAll(() => {
  home = makeHome({ tasks: [{ name: 'task_0', command: 'true', schedule: '0 2 * * *' }], settings: { timezone: 'UTC' } });
  const file = path.join(home, 'status', 'conductor.db');
  openRunStore(file).close();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO ${HISTORY_TABLE} (run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason)
     VALUES (?, ?, ?, 'schedule', ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const now = Date.now();
  const span = 29 * 86_400_000;
  db.transaction(() => {
    for (let run = 0, made = 0; made < ROWS; run += 1) {
      const task = `task_${run % TASKS}`;
      const kind = KINDS[run % KINDS.length] as (typeof KINDS)[number];
      const attempts = kind !== 'skipped' && run % 7 === 0 ? 3 : 1;
      const start = now - span + Math.floor((made / ROWS) * span);
      let lastWritten: string = kind;
      for (let attempt = 1; attempt <= attempts && made < ROWS; attempt += 1, made += 1) {
        const last = attempt === attempts;
        const status = last ? kind : 'failed';
        lastWritten = status;
        const duration = status === 'skipped' ? 0 : (run * 7919 + attempt) % 600_000;
        insert.run(`r${run}`, task, attempt, status, start + attempt, start + attempt + duration, status === 'success' ? 0 : 1, duration, status === 'success' ? null : 'exit code 1');
        if (status === 'skipped') {
          expected.skipped += 1;
          continue;
        }
        expected.attempts += 1;
        const list = expected.durations.get(task) ?? [];
        list.push(duration);
        expected.durations.set(task, list);
      }
      if (kind === 'skipped') continue;
      // a run cut short by ROWS ends with the attempt written last
      expected.runs += 1;
      if (lastWritten === 'success') expected.successes += 1;
      else if (lastWritten === 'failed') expected.failures += 1;
      else if (lastWritten === 'timeout') expected.timeouts += 1;
      else if (lastWritten === 'interrupted') expected.interrupted += 1;
    }
  })();
  db.close();
}, 120_000);
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe(`report --since 30d over ${ROWS.toLocaleString('en')} history rows`, () => {
  it('gives exact totals, medians and the latest failures within a 32 MB heap', () => {
    const started = Date.now();
    const result = runCli(['report', '--since', '30d', '--json'], { home, timeoutMs: 120_000, env: { NODE_OPTIONS: '--max-old-space-size=32' } });
    const wallMs = Date.now() - started;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const { durations, ...totals } = expected;
    expect(report.totals).toEqual({ ...totals, running: 0 });
    const sorted = [...(durations.get('task_3') ?? [])].sort((a, b) => a - b);
    const task3 = report.tasks.find((t: { task: string }) => t.task === 'task_3');
    expect(task3.p50_duration_ms).toBe(sorted[Math.ceil(sorted.length / 2) - 1]);
    expect(task3.max_duration_ms).toBe(sorted[sorted.length - 1]);
    expect(report.tasks).toHaveLength(TASKS);
    expect(report.failures).toHaveLength(200);
    expect(report.failures_omitted).toBe(expected.failures + expected.timeouts - 200);
    const times = report.failures.map((f: { started_at: string }) => f.started_at);
    expect(times).toEqual([...times].sort());
    console.log(`report over ${ROWS} rows: ${wallMs} ms wall`);
  }, 120_000);
});
