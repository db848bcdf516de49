// Waiting on a condition (a row in the history, a file) instead of sleeping a lucky amount.
import fs from 'node:fs';
import Database from 'better-sqlite3';

export async function waitFor<T>(check: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Row {
  run_id: string;
  task: string;
  attempt: number;
  trigger: string;
  status: string;
  exit_code: number | null;
  reason: string | null;
  pid: number | null;
  started_at: number;
  fire_at: number | null;
}

/** Every history row (attempt) of a home, oldest first (read-only; the CLI or daemon may be writing). */
export function rows(home: string): Row[] {
  const file = `${home}/status/conductor.db`;
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    const all = db.prepare('SELECT * FROM attempts ORDER BY id').all() as (Row & { handle: string | null })[];
    // A local attempt's handle is `local:PID:STARTTICKS`.
    return all.map((row) => ({ ...row, pid: row.handle?.startsWith('local:') ? Number(row.handle.split(':')[1]) : row.pid }));
  } catch {
    return [];
  } finally {
    db.close();
  }
}

/** True when `pid` runs; a zombie nobody reaped (a minimal PID 1 in containers) counts as dead. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Resolves with the exit code (or signal) of a child process. */
export function exitOf(child: import('node:child_process').ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
