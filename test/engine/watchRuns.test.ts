// How the engine takes the runs of watched files (spec/triggers.md): in the task's own lane of
// `workers` slots, independent of each other whatever the task's concurrency policy, which still
// holds for its other runs; and a file refused before its run (not JSON) as a failed run with
// its reason, its health file and run.ended, without a process and without retries.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import { Engine } from '../../src/engine/engine.js';
import { fakeEngine } from '../fakes/engineContext.js';

const cfg = (policy: 'forbid' | 'replace', retries = 0) =>
  withDefaults({
    tasks: [{ name: 'intake', command: 'sleep=10000 exit=0', concurrency_policy: policy, retry_count: retries, watch: { path: 'in', workers: 2 } }],
    settings: { timezone: 'UTC', max_concurrent_tasks: 1 },
  });
const watchRun = (n: number) => ({
  task: 'intake',
  trigger: 'watch' as const,
  lane: { name: 'watch:intake', limit: 2 },
  payload: { env: { CONDUCTOR_FILE_NAME: `f${n}` } },
});

describe('file runs of a watch task', () => {
  it.each(['forbid', 'replace'] as const)('run side by side in their own lane under concurrency_policy %s, at most workers at once', async (policy) => {
    const { ctx, clock, executor } = fakeEngine('2025-06-01T00:00:00Z');
    const engine = new Engine(ctx, cfg(policy));
    const outcomes = [1, 2, 3].map((n) => engine.submit(watchRun(n)));
    await clock.advance(10);
    expect(outcomes.map((o) => o.status)).toEqual(['queued', 'queued', 'queued']);
    expect(executor.spawns.map((s) => s.env.CONDUCTOR_FILE_NAME)).toEqual(['f1', 'f2']);
    // Two at once although max_concurrent_tasks is 1: the lane is the task's own.
    await clock.advance(10_000);
    expect(executor.spawns.map((s) => s.env.CONDUCTOR_FILE_NAME)).toEqual(['f1', 'f2', 'f3']);
  });

  it('leave the task policy to its other runs: a fire while files run is not skipped, a second fire is', async () => {
    const { ctx, clock, executor } = fakeEngine('2025-06-01T00:00:00Z');
    const engine = new Engine(ctx, cfg('forbid'));
    engine.submit(watchRun(1));
    const fire = engine.submit({ task: 'intake', trigger: 'schedule', fireAt: clock.now() });
    const second = engine.submit({ task: 'intake', trigger: 'schedule', fireAt: clock.now() });
    await clock.advance(10);
    expect(fire.status).toBe('queued');
    expect(second).toMatchObject({ status: 'skipped', reason: 'the previous run is still going (concurrency_policy forbid)' });
    expect(executor.spawns.map((s) => s.trigger)).toEqual(['watch', 'schedule']);
  });

  it('a file refused before its run is a failed run with the reason: a history row, the health file, run.ended, no process, no retry', async () => {
    const { ctx, executor, events, health } = fakeEngine('2025-06-01T00:00:00Z');
    const engine = new Engine(ctx, cfg('forbid', 3));
    const runId = engine.fail({ task: 'intake', trigger: 'watch', runId: '20250601T000000Z-0000abcd' }, 'f.json: not JSON: at line 1, column 2: unexpected end of file');
    expect(runId).toBe('20250601T000000Z-0000abcd');
    expect(ctx.store.history({ limit: 5 })).toMatchObject([
      { run_id: runId, attempt: 1, trigger: 'watch', status: 'failed', exit_code: null, reason: 'f.json: not JSON: at line 1, column 2: unexpected end of file' },
    ]);
    expect(ctx.store.getRun(runId)).toMatchObject({ state: 'failed', trigger: 'watch' });
    expect(health.get('intake')).toMatchObject({ status: 'failed', exit_code: null });
    expect(events.filter((e) => e.type === 'run.ended')).toMatchObject([{ run_id: runId, status: 'failed', attempts: 0 }]);
    expect(executor.spawns).toEqual([]);
  });
});
