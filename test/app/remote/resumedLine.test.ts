import { describe, expect, it } from 'vitest';
import { pausedLine, resumedLine, type ResumedTask } from '../../../src/app/remote/resumedLine.js';

const task = (parts: Partial<ResumedTask>): ResumedTask => ({ schedule: null, watch: null, webhook: null, dependencies: [], ...parts });
const watch = { path: 'in' } as ResumedTask['watch'];
const webhook = { secret_env: null, events: null } as unknown as ResumedTask['webhook'];

describe('resumedLine: what resume --task says comes again', () => {
  it.each([
    ['a scheduled task', task({ schedule: '0 2 * * *' }), 'resumed t: it fires on its schedule again'],
    ['a watch task with no schedule', task({ watch }), 'resumed t: the files waiting in its folder (in) run now, and new ones as they come'],
    ['a webhook task', task({ webhook }), 'resumed t: its webhook starts runs again'],
    ['a task its dependencies trigger', task({ dependencies: ['up'] }), 'resumed t: it runs again when its dependencies succeed'],
    ['a scheduled task with dependencies (they gate its fires, they do not trigger it)', task({ schedule: '@daily', dependencies: ['up'] }), 'resumed t: it fires on its schedule again'],
    [
      'a task with a schedule and a folder',
      task({ schedule: '@hourly', watch }),
      'resumed t: it fires on its schedule again; the files waiting in its folder (in) run now, and new ones as they come',
    ],
    ['a task nothing triggers', task({}), 'resumed t: it has no schedule, folder or webhook, so nothing was held; it runs when asked (run --task, the API)'],
    ['a task the daemon did not describe', null, 'resumed t'],
    ['a disabled task', task({ schedule: '@daily', enabled: false }), 'resumed t: it is disabled in the config, so nothing of it runs until it is enabled'],
  ])('for %s', (_label, given, expected) => {
    expect(resumedLine('t', given)).toBe(expected);
  });
});

describe('pausedLine: what pause --task says is held', () => {
  const until = 'until `resume --task t`; it can still be run by hand';
  it.each([
    ['a scheduled task', task({ schedule: '0 2 * * *' }), `paused t: its fires are recorded skipped (reason "paused") ${until}`],
    ['a watch task with no schedule', task({ watch }), `paused t: files dropped in its folder (in) wait there ${until}`],
    ['a webhook task', task({ webhook }), `paused t: its webhook deliveries are recorded skipped (reason "paused") ${until}`],
    ['a task its dependencies trigger', task({ dependencies: ['up'] }), `paused t: the runs its dependencies set off are recorded skipped (reason "paused") ${until}`],
    [
      'a task with a schedule and a folder',
      task({ schedule: '@hourly', watch }),
      `paused t: its fires are recorded skipped (reason "paused"); files dropped in its folder (in) wait there ${until}`,
    ],
    ['a task nothing triggers', task({}), 'paused t: it has no schedule, folder or webhook, so nothing comes to hold; it can still be run by hand'],
    ['a task the daemon did not describe', null, `paused t: what it is not asked for by hand is held or recorded skipped (reason "paused") ${until}`],
    ['a disabled task', task({ schedule: '@daily', enabled: false }), 'paused t: it is disabled in the config, so nothing of it runs anyway; the pause is kept for when it is enabled'],
  ])('for %s', (_label, given, expected) => {
    expect(pausedLine('t', given)).toBe(expected);
  });
});

describe('pause and resume of a task others depend on', () => {
  it('say that its dependents are held, and gated on it again', () => {
    expect(pausedLine('t', task({}), ['report', 'mail'])).toBe(
      'paused t: its dependents (report, mail) are recorded skipped when they would run (reason "dependency t is paused") until `resume --task t`; it can still be run by hand',
    );
    expect(resumedLine('t', task({}), ['report', 'mail'])).toBe('resumed t: its dependents (report, mail) are gated on it again, not skipped');
    expect(pausedLine('t', task({ schedule: '@daily' }), ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toContain('its dependents (a, b, c, d, e and 2 more)');
  });
});
