// SIGINT or SIGTERM to a foreground `run` while some of its runs have not started (waiting for a
// slot, for their upstream, or out a retry delay): the built CLI, real processes, real SQLite.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

const long = (name: string, extra: object = {}) => ({ name, command: 'sleep 30', ...extra });

/** The `runs` rows of a home (read-only): each run's state and reason. */
function runStates(home: string): { task: string; state: string; reason: string | null }[] {
  const file = `${home}/status/conductor.db`;
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    return db.prepare('SELECT task, state, reason FROM runs ORDER BY task').all() as { task: string; state: string; reason: string | null }[];
  } finally {
    db.close();
  }
}

interface Case {
  what: string;
  config: object;
  args: string[];
  /** What the signal must find: the history rows (task and status) that say it is time. */
  ready: (r: ReturnType<typeof rows>) => boolean;
  summary: string;
  /** The tasks that never started. */
  unstarted: string[];
}

const cases: Case[] = [
  {
    what: 'run --all, a run queued behind three running ones',
    config: { tasks: [long('t1'), long('t2'), long('t3'), long('t4')] },
    args: ['run', '--all'],
    ready: (r) => r.filter((x) => x.status === 'running' && x.pid).length === 3,
    summary: '0 succeeded, 1 skipped, 3 interrupted',
    unstarted: ['t4'],
  },
  {
    what: 'run --all with max_concurrent_tasks 1',
    config: { tasks: [long('t1'), long('t2')], settings: { max_concurrent_tasks: 1 } },
    args: ['run', '--all'],
    ready: (r) => r.some((x) => x.status === 'running' && x.pid),
    summary: '0 succeeded, 1 skipped, 1 interrupted',
    unstarted: ['t2'],
  },
  {
    what: 'run --task --with-deps, an upstream queued and the task waiting for both',
    config: { tasks: [long('a'), long('b'), { name: 't', command: 'true', dependencies: ['a', 'b'] }], settings: { max_concurrent_tasks: 1 } },
    args: ['run', '--task', 't', '--with-deps'],
    ready: (r) => r.some((x) => x.status === 'running' && x.pid),
    summary: '0 succeeded, 2 skipped, 1 interrupted',
    unstarted: ['b', 't'],
  },
  {
    what: 'run --all, a task waiting out its retry delay and another queued behind it',
    config: { tasks: [{ name: 'flaky', command: 'exit 1', retry_count: 2, retry_delay: 60 }, long('next')], settings: { max_concurrent_tasks: 1 } },
    args: ['run', '--all'],
    ready: (r) => r.some((x) => x.task === 'flaky' && x.status === 'failed'),
    summary: '0 succeeded, 1 skipped, 1 interrupted',
    unstarted: ['next'],
  },
];

describe.each(['SIGINT', 'SIGTERM'] as const)('%s to a foreground run while runs wait to start', (signal) => {
  it.each(cases)('$what: exits 3 with the summary, records the unstarted runs skipped and the audit row', async (c) => {
    const home = makeHome(c.config);
    const child = spawnCli(c.args, { home });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => c.ready(rows(home)), 'the runs to be under way');
    child.kill(signal);
    const exit = await exitOf(child);
    expect({ ...exit, stderr }).toMatchObject({ code: 3, signal: null });
    expect(stdout).toContain(`interrupted by ${signal}; ${c.summary}\n`);
    const states = runStates(home);
    expect(states.filter((r) => !['interrupted', 'skipped'].includes(r.state))).toEqual([]);
    expect(rows(home).filter((r) => r.status === 'queued' || r.status === 'running')).toEqual([]);
    for (const task of c.unstarted) expect(states.find((r) => r.task === task)).toMatchObject({ state: 'skipped', reason: expect.stringContaining(`interrupted by ${signal}`) });
    const audit = JSON.parse(runCli(['audit', '--json'], { home }).stdout) as { action: string; source: string }[];
    expect(audit).toMatchObject([{ action: 'run', source: 'cli' }]);
  });
});
