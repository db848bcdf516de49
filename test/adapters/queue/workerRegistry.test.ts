// The worker registry as status reads it: a worker is alive while its heartbeat is recent, and a
// worker that is not alive runs nothing, whatever its last heartbeat said (it died with jobs).
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ALIVE_MS, readWorkers, type Heartbeat } from '../../../src/adapters/queue/workerRegistry.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function registry(beats: Heartbeat[]): Redis {
  const hash = Object.fromEntries(beats.map((beat) => [beat.name, JSON.stringify(beat)]));
  return { hgetall: async () => hash } as unknown as Redis;
}

const beat = (name: string, running: number, agoMs: number): Heartbeat => ({
  name,
  queues: ['default'],
  running,
  concurrency: 4,
  host: 'h',
  pid: 1,
  instance: name,
  started_at: new Date(NOW - 3_600_000).toISOString(),
  last_seen: new Date(NOW - agoMs).toISOString(),
});

describe('readWorkers', () => {
  it('reports what a live worker runs, and nothing for one not heard from (killed with jobs)', async () => {
    const workers = await readWorkers(registry([beat('live', 2, 1000), beat('dead', 1, ALIVE_MS), beat('gone', 3, 2 * 24 * 3_600_000)]), 'conductor', NOW);
    expect(workers.map((w) => [w.name, w.alive, w.running])).toEqual([
      ['dead', false, 0],
      ['live', true, 2],
    ]);
  });
});
