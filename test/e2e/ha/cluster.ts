// Helpers for the standby-cluster tests: a real redis-server, real daemons in separate homes with
// the same config, and the facts to check read straight from each home's SQLite history and from
// a file every run appends its run id to (what really ran, whoever ran it).
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeHome, spawnCli } from '../../helpers/cli.js';
import { TestRedis } from '../../helpers/redis.js';
import { exitOf, waitFor } from '../../helpers/wait.js';

export interface Attempt {
  run_id: string;
  task: string;
  attempt: number;
  status: string;
  reason: string | null;
  started_at: number;
  finished_at: number | null;
  fire_at: number | null;
  trigger: string;
  /** Null: this home's own row; else the node whose row it is. */
  node: string | null;
}

export interface Node {
  home: string;
  child: ChildProcess;
  output(): string;
}

export class Cluster {
  readonly dir: string;
  readonly ran: string;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  private constructor(readonly redis: TestRedis) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-ha-'));
    this.ran = path.join(this.dir, 'ran');
    this.cleanups.push(() => redis.stop(), () => fs.rmSync(this.dir, { recursive: true, force: true }));
  }

  static async start(): Promise<Cluster> {
    return new Cluster(await TestRedis.start());
  }

  /** The config every node shares: `tasks` plus the cluster settings. */
  config(tasks: unknown[], ha: Record<string, unknown> = {}, settings: Record<string, unknown> = {}): unknown {
    return { tasks, settings: { ha: { redis_url: this.redis.url, cluster: 'test', ...ha }, max_concurrent_tasks: 10, shutdown_timeout: 1, ...settings } };
  }

  home(config: unknown): string {
    const home = makeHome(config);
    this.cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    return home;
  }

  /** Starts `start` on a home; killed at the end if still running. */
  start(home: string): Node {
    const child = spawnCli(['start'], { home });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    this.cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await exitOf(child);
      }
    });
    return { home, child, output: () => text };
  }

  /** Two nodes on homes of `config`: `a` started first and leading, then `b` standing by for it. */
  async leaderAndStandby(config: unknown): Promise<{ homeA: string; homeB: string; a: Node; b: Node }> {
    const homeA = this.home(config);
    const homeB = this.home(config);
    const a = this.start(homeA);
    await waitForRole(homeA, 'leader');
    const b = this.start(homeB);
    await waitFor(() => roleOf(homeB).role === 'standby' && roleOf(homeB).leader === nodeOf(homeA), 'b to stand by for a');
    return { homeA, homeB, a, b };
  }

  /** Run ids in the order the runs really happened, as their commands wrote them. */
  ranIds(): string[] {
    return fs.existsSync(this.ran) ? fs.readFileSync(this.ran, 'utf8').split('\n').filter(Boolean) : [];
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
  }
}

/** Every attempt row of a home, with the node it belongs to. */
export function attempts(home: string): Attempt[] {
  const file = path.join(home, 'status', 'conductor.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    return db.prepare('SELECT run_id, task, attempt, status, reason, started_at, finished_at, fire_at, trigger, node FROM attempts ORDER BY id').all() as Attempt[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

/** What the daemon of a home says of its role, as `status` reads it. */
export function roleOf(home: string): { role: string | null; leader: string | null } {
  const file = path.join(home, 'status', 'conductor.db');
  if (!fs.existsSync(file)) return { role: null, leader: null };
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    const row = db.prepare('SELECT role, leader FROM daemon WHERE id = 1').get() as { role: string | null; leader: string | null } | undefined;
    return row ?? { role: null, leader: null };
  } catch {
    return { role: null, leader: null };
  } finally {
    db.close();
  }
}

export function nodeOf(home: string): string {
  return `${os.hostname()}:${home}`;
}

export async function waitForRole(home: string, role: 'leader' | 'standby', timeoutMs = 30_000): Promise<void> {
  await waitFor(() => roleOf(home).role === role, `${home} to be ${role}`, timeoutMs);
}

/** A row per scheduled fire that really ran, per home (its own rows only). */
export function ownFires(home: string, task: string): number[] {
  return attempts(home)
    .filter((a) => a.node === null && a.task === task && a.attempt === 1 && a.fire_at !== null && a.status !== 'skipped')
    .map((a) => a.fire_at as number);
}

/** Each fire instant of `fires` once? Returns the instants seen more than once. */
export function repeated(fires: number[]): number[] {
  const seen = new Set<number>();
  const twice = new Set<number>();
  for (const at of fires) (seen.has(at) ? twice : seen).add(at);
  return [...twice];
}

/** The holes in a list of every-second fires: [from, to] pairs of consecutive fires more than a second apart. */
export function gaps(fires: number[]): [number, number][] {
  const sorted = [...fires].sort((a, b) => a - b);
  const holes: [number, number][] = [];
  for (let i = 1; i < sorted.length; i++) if ((sorted[i] as number) - (sorted[i - 1] as number) > 1000) holes.push([sorted[i - 1] as number, sorted[i] as number]);
  return holes;
}

/** The rows `history` shows, comparable across homes (the node column aside). */
export function historyOf(home: string): string[] {
  return attempts(home)
    .map((a) => `${a.run_id} ${a.attempt} ${a.task} ${a.status} ${a.started_at} ${a.finished_at} ${a.reason}`)
    .sort();
}
