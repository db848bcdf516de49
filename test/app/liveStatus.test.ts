// The daemon's status as JSON text (what GET /api/v1/status sends) is the report `status --json`
// prints, part for part, however its kept task parts age: runs, a pause, a reload.
import { describe, expect, it } from 'vitest';
import { LiveStatus } from '../../src/app/status/liveStatus.js';
import { withDefaults } from '../../src/core/config/defaults.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

function setup() {
  const engine = fakeEngine('2025-06-02T10:00:00Z');
  const config = withDefaults({
    tasks: [
      { name: 'minutely', command: 'sleep=10 exit=0', schedule: '* * * * *' },
      { name: 'hourly', command: 'sleep=10 exit=1', schedule: '0 * * * *' },
      { name: 'after', command: 'sleep=10 exit=0', dependencies: ['minutely'] },
    ],
    settings: { timezone: 'UTC' },
  });
  const scheduler = new Scheduler(engine.ctx, config);
  const daemon = () => ({ running: true, pid: 1, since: '2025-06-02T10:00:00.000Z', version: 'test' });
  const live = new LiveStatus(scheduler.engine, scheduler.cron, engine.ctx.store, engine.ctx.health, daemon, engine.ctx.events);
  return { ...engine, scheduler, live };
}

describe('LiveStatus.reportJson', () => {
  it('is the status report, as the task parts kept between requests change', async () => {
    const { scheduler, clock, live } = setup();
    scheduler.start();
    const same = () => expect(JSON.parse(live.reportJson(clock.now()))).toEqual(live.report(clock.now()));
    same();
    await clock.advance(61_000);
    same();
    scheduler.engine.setPaused('hourly', { at: clock.now(), actor: 'alice' });
    same();
    await clock.advance(3_600_000);
    same();
    scheduler.reload(withDefaults({ tasks: [{ name: 'minutely', command: 'true', schedule: '*/2 * * * *' }], settings: { timezone: 'UTC' } }));
    same();
    expect(JSON.parse(live.reportJson(clock.now())).tasks.map((t: { name: string }) => t.name)).toEqual(['minutely']);
  });

  it('gives the same bytes again while nothing changed, and new bytes once something did', async () => {
    const { scheduler, clock, live } = setup();
    scheduler.start();
    const first = live.reportBody(clock.now());
    expect(first.toString('utf8')).toBe(live.reportJson(clock.now()));
    expect(live.reportBody(clock.now())).toBe(first);
    scheduler.engine.setPaused('hourly', { at: clock.now(), actor: 'alice' });
    const paused = live.reportBody(clock.now());
    expect(paused).not.toBe(first);
    expect(JSON.parse(paused.toString('utf8'))).toEqual(live.report(clock.now()));
  });
});

describe('LiveStatus, run events', () => {
  it("shows each task's latest run as the history has it, however many attempts passed between two requests", async () => {
    const { scheduler, clock, live, ctx } = setup();
    scheduler.start();
    live.report(clock.now());
    await clock.advance(3 * 60_000 + 1_000);
    const report = live.report(clock.now());
    const latest = ctx.store.lastRuns(['minutely', 'hourly']);
    expect(latest.get('minutely')?.attempt).toBeDefined();
    for (const name of ['minutely', 'hourly']) {
      const task = report.tasks.find((t) => t.name === name);
      const row = latest.get(name);
      expect({ name, run_id: task?.last_run?.run_id ?? null }).toEqual({ name, run_id: row?.run_id ?? null });
    }
  });
});
