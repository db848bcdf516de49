// History: (a) runs recorded per second through the product's store (openRunStore from
// dist/, startAttempt + finishAttempt per run, each its own transaction as in the engine),
// against the same two statements on raw better-sqlite3 with the same schema and pragmas;
// (b) `history --task X --limit 20` on a home with a million rows, against `node -e 0`.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { NODE, CLI, DIST, alternate, buildHistoryHome, makeCase, makeTempDir, removeDir, timeOk } from '../lib.mjs';

export const description = 'runs recorded per second (store API) and history --task X at 1M rows vs node -e 0';

export const sizes = {
  full: { pairs: 20_000, rate_rounds: 5, tasks: 1000, rows: 1_000_000, cli_rounds: 10 },
  tiny: { pairs: 500, rate_rounds: 1, tasks: 10, rows: 1000, cli_rounds: 1 },
};

async function recordRate(params, dir, log) {
  const { openRunStore } = await import(pathToFileURL(path.join(DIST, 'adapters', 'sqlite', 'sqliteRunStore.js')).href);
  const { migrate } = await import(pathToFileURL(path.join(DIST, 'adapters', 'sqlite', 'migrations.js')).href);
  const store = openRunStore(path.join(dir, 'store', 'conductor.db'), { create: true });
  fs.mkdirSync(path.join(dir, 'raw'), { recursive: true });
  const raw = new Database(path.join(dir, 'raw', 'conductor.db'), { timeout: 10_000 });
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  migrate(raw);
  // What the engine writes for a run that starts at once: its run row, its attempt row, the
  // attempt's handle once the process runs, the attempt's end, the run's end.
  const rawRun = raw.prepare(
    `INSERT INTO runs (run_id, task, trigger, state, source, requested_at, fire_at, owner_pid, owner_start)
     VALUES (?, ?, ?, 'running', 'daemon', ?, ?, ?, ?)`,
  );
  const rawStart = raw.prepare(
    `INSERT INTO attempts (run_id, task, attempt, trigger, status, started_at, fire_at, owner_pid, owner_start)
     VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
  );
  const rawStarted = raw.prepare(`UPDATE attempts SET handle = ? WHERE id = ?`);
  const rawFinish = raw.prepare(
    `UPDATE attempts SET status = ?, finished_at = ?, exit_code = ?, signal = ?, duration_ms = MAX(0, ? - started_at), reason = ? WHERE id = ?`,
  );
  const rawRunEnd = raw.prepare(`UPDATE runs SET state = ?, attempts = ?, finished_at = ? WHERE run_id = ?`);
  let seq = 0;
  const ids = (i) => `20250101T000000Z-${(seq * 1_000_000 + i).toString(16).padStart(8, '0')}`;
  const product = () => {
    seq++;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < params.pairs; i++) {
      const now = Date.now();
      const run = { run_id: ids(i), task: `t${i % 1000}`, trigger: 'schedule' };
      store.createRun({ ...run, state: 'running', source: 'daemon', requested_at: now, fire_at: now, deadline: null, payload: null, reason: null });
      const id = store.startAttempt({ ...run, attempt: 1, started_at: now, fire_at: now, status: 'running' });
      store.attemptStarted(id, `local:${10_000 + i}:17`, null, now);
      store.finishAttempt(id, { status: 'success', finished_at: now + 1, exit_code: 0, signal: null, reason: null });
      store.setRunState(run.run_id, 'success', { attempts: 1, finished_at: now + 1 });
    }
    return params.pairs / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
  const bare = () => {
    seq++;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < params.pairs; i++) {
      const now = Date.now();
      rawRun.run(ids(i), `t${i % 1000}`, 'schedule', now, now, process.pid, 17);
      const id = rawStart.run(ids(i), `t${i % 1000}`, 1, 'schedule', now, now, process.pid, 17).lastInsertRowid;
      rawStarted.run(`local:${10_000 + i}:17`, id);
      rawFinish.run('success', now + 1, 0, null, now + 1, null, id);
      rawRunEnd.run('success', 1, now + 1, ids(i));
    }
    return params.pairs / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
  try {
    product();
    bare();
    return await alternate(params.rate_rounds, { bare: async () => bare(), product: async () => product() }, { log: (l) => log(`${l} runs/s`) });
  } finally {
    store.close();
    raw.close();
  }
}

export async function run(params, { log }) {
  const dir = makeTempDir('history');
  try {
    log(` recording ${params.pairs} runs per sample`);
    const rate = await recordRate(params, dir, log);
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const built = Date.now();
    const { tasks } = await buildHistoryHome(home, { tasks: params.tasks, rows: params.rows });
    log(` home built in ${Date.now() - built} ms`);
    const task = tasks[Math.floor(tasks.length / 2)].name;
    const node = async () => (await timeOk(NODE, ['-e', '0'])).ms;
    const history = async () => {
      const result = await timeOk(NODE, [CLI, 'history', '--task', task, '--limit', '20', '--home', home], { capture: true });
      const lines = result.stdout.trim().split('\n').length;
      if (lines < Math.min(21, params.rows / params.tasks)) throw new Error(`history printed ${lines} lines`);
      return result.ms;
    };
    await node();
    await history();
    const cliSamples = await alternate(params.cli_rounds, { node, history }, { log });
    return {
      cases: [
        makeCase({
          name: 'runs recorded (run row, attempt row, handle, both ends)',
          unit: 'runs/s',
          samples: rate.product,
          yardstick: { name: 'raw better-sqlite3, same SQL', samples: rate.bare },
          target: { text: 'over 5,000 per second', stat: 'median', op: '>=', limit: 5000 },
          extra: { runs_per_sample: params.pairs },
        }),
        makeCase({
          name: `history --task ${task} --limit 20 (${params.rows} rows)`,
          unit: 'ms',
          samples: cliSamples.history,
          yardstick: { name: 'node -e 0', samples: cliSamples.node },
        }),
      ],
      notes: [
        'rate: in-process, WAL + synchronous=NORMAL on both sides (the product\'s pragmas), each statement its own implicit transaction; the database file lives under the temp dir (see machine.tmpdir_fs)',
        'history CLI: wall time from process start to exit, table output through a pipe, after one untimed warm-up',
      ],
    };
  } finally {
    removeDir(dir);
  }
}
