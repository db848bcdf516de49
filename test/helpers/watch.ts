// Helpers for the watched-folder tests: the daemon as a child, the watch_files rows, the status
// files, and folder listings as bytes (names that are not UTF-8 stay exact).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { spawnCli } from './cli.js';

export interface Daemon extends ChildProcess {
  output(): string;
}

const started: ChildProcess[] = [];

export function startDaemon(home: string, env: Record<string, string> = {}): Daemon {
  const child = spawnCli(['start'], { home, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.push(child);
  return Object.assign(child, { output: () => output });
}

/** For afterEach: SIGKILL every daemon a test left running. */
export function killDaemons(): void {
  for (const d of started.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
}

export interface FileRow {
  name: Buffer;
  state: string;
  run_id: string | null;
  settled: number;
  moved_to: Buffer | null;
  reason: string | null;
}

/** Every watch_files row of a home (read-only), oldest first. */
export function fileRows(home: string, task?: string): FileRow[] {
  const file = path.join(home, 'status', 'conductor.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    const sql = `SELECT name, state, run_id, settled, moved_to, reason FROM watch_files ${task ? 'WHERE task = ?' : ''} ORDER BY id`;
    return db.prepare(sql).all(...(task ? [task] : [])) as FileRow[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

/** One query on the history of a home (read-only). */
export function query<T>(home: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true, timeout: 5000 });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface StatusFile {
  file: string;
  task: string;
  run_id: string | null;
  correlation_id: string | null;
  status: string;
  message: string;
  timestamp: string;
  processed_by: string;
  worker_id: string | null;
  processing_duration_ms: number | null;
  retry_count: number;
}

/** The status files of a task, parsed, by name. */
export function statusFiles(home: string, task: string): StatusFile[] {
  const dir = path.join(home, 'status', 'watch', task);
  if (!fs.existsSync(dir)) return [];
  // Names as bytes: the status file of a name that is not UTF-8 keeps its bytes.
  return fs
    .readdirSync(dir, { encoding: 'buffer' })
    .filter((name) => name.toString('latin1').endsWith('.status'))
    .sort(Buffer.compare)
    .map((name) => JSON.parse(fs.readFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), 'utf8')) as StatusFile);
}

/** The names in a folder, as bytes ([] when it does not exist). */
export function namesIn(dir: string): Buffer[] {
  try {
    return fs.readdirSync(dir, { encoding: 'buffer' }).filter((name) => fs.statSync(Buffer.concat([Buffer.from(`${dir}/`), name])).isFile());
  } catch {
    return [];
  }
}

/** A file written whole under a temp name, then renamed in (what careful writers do). */
export function dropFile(dir: string, name: string | Buffer, content: string | Buffer): void {
  const target = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]);
  const temp = Buffer.concat([Buffer.from(`${dir}/.`), Buffer.from(name), Buffer.from('.tmp')]);
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, target);
}

/** NUL-separated records a test command appended (printf '%s\0'), as bytes. */
export function records(file: string): Buffer[] {
  if (!fs.existsSync(file)) return [];
  const bytes = fs.readFileSync(file);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}
