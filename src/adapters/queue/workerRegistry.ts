// Workers say they are there: each keeps its heartbeat (name, queues, jobs running, when) in one
// Redis hash, every few seconds, and removes it when it stops cleanly. `status` and the daemon
// read the hash (reading never writes); a worker that died stays listed with its last heartbeat
// (not alive) for a day, after which the next worker to start drops it.
import type { Redis } from 'ioredis';
import { workersKey } from './names.js';

export const HEARTBEAT_MS = 5000;
/** A worker not heard from for this long is not alive (three heartbeats missed). */
export const ALIVE_MS = 3 * HEARTBEAT_MS;
/** A dead worker's entry is dropped after this long. */
const FORGET_MS = 24 * 60 * 60 * 1000;

export interface Heartbeat {
  name: string;
  queues: string[];
  running: number;
  concurrency: number;
  host: string;
  pid: number;
  /** Tells two processes that claim the same name apart. */
  instance: string;
  started_at: string;
  last_seen: string;
}

/** A worker as `status` shows it. */
export interface WorkerInfo {
  name: string;
  queues: string[];
  running: number;
  last_seen: string;
  alive: boolean;
  host: string;
  pid: number;
  concurrency: number;
}

export async function writeHeartbeat(redis: Redis, prefix: string, beat: Heartbeat): Promise<void> {
  await redis.hset(workersKey(prefix), beat.name, JSON.stringify(beat));
}

export async function removeHeartbeat(redis: Redis, prefix: string, name: string, instance: string): Promise<void> {
  const current = await readHeartbeat(redis, prefix, name);
  if (current?.instance === instance) await redis.hdel(workersKey(prefix), name);
}

export async function readHeartbeat(redis: Redis, prefix: string, name: string): Promise<Heartbeat | null> {
  const text = await redis.hget(workersKey(prefix), name);
  return text ? parse(text) : null;
}

/** Drops the entries of workers not heard from for a day (a worker does it as it starts). */
export async function forgetDeadWorkers(redis: Redis, prefix: string, now: number): Promise<void> {
  const all = await redis.hgetall(workersKey(prefix));
  for (const [name, text] of Object.entries(all)) {
    const beat = parse(text);
    if (!beat || !(Date.parse(beat.last_seen) > now - FORGET_MS)) await redis.hdel(workersKey(prefix), name);
  }
}

/** Every registered worker heard from within a day, by name. */
export async function readWorkers(redis: Redis, prefix: string, now: number): Promise<WorkerInfo[]> {
  const all = await redis.hgetall(workersKey(prefix));
  const workers: WorkerInfo[] = [];
  for (const text of Object.values(all)) {
    const beat = parse(text);
    const seen = beat ? Date.parse(beat.last_seen) : NaN;
    if (!beat || !(seen > now - FORGET_MS)) continue;
    const alive = now - seen < ALIVE_MS;
    workers.push({
      name: beat.name,
      queues: beat.queues,
      // A worker not alive runs nothing (its jobs died with it, and are recorded lost), whatever its last heartbeat said.
      running: alive ? beat.running : 0,
      last_seen: beat.last_seen,
      alive,
      host: beat.host,
      pid: beat.pid,
      concurrency: beat.concurrency,
    });
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name));
}

function parse(text: string): Heartbeat | null {
  try {
    const value = JSON.parse(text) as Heartbeat;
    return typeof value.name === 'string' && typeof value.last_seen === 'string' ? value : null;
  } catch {
    return null;
  }
}
