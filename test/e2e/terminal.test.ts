// The tables a person reads at a terminal (a real pseudo-terminal, through script(1)): local
// times without milliseconds, LEFT and PASSED in words, statuses in colour and in words, no colour
// under NO_COLOR, widths fitted to the terminal; piped output keeps its old shape.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath, makeHome, runCli } from '../helpers/cli.js';

/** Runs the CLI on a terminal `columns` wide; what it printed, with the terminal's \r\n made \n. */
function onTerminal(home: string, args: string, options: { columns?: number; env?: string } = {}): string {
  const command = `stty cols ${options.columns ?? 200}; ${options.env ?? ''} TZ=UTC ${process.execPath} ${cliPath} --home ${home} ${args}`;
  const shown = spawnSync('script', ['-qc', command, '/dev/null'], { encoding: 'utf8' });
  return shown.stdout.replace(/\r\n/g, '\n');
}

const ESC = '\x1b[';

describe('on a terminal', () => {
  const home = makeHome({
    tasks: [
      { name: 'nightly', command: 'true', schedule: '0 2 * * *' },
      { name: 'broken', command: 'echo a very long explanation of what went wrong here; exit 4', schedule: '*/5 * * * *' },
    ],
    settings: { timezone: 'UTC' },
  });
  runCli(['run', '--task', 'nightly'], { home });
  runCli(['run', '--task', 'broken'], { home });

  it('status reads like systemctl list-timers, with statuses in colour and in words', () => {
    const out = onTerminal(home, 'status');
    expect(out).toMatch(/^TASK\s+SCHEDULE\s+NEXT\s+LEFT\s+LAST\s+PASSED\s+STATUS\s+HEALTH$/m);
    expect(out).toMatch(/^nightly\s+0 2 \* \* \*\s+\w{3} \d{4}-\d\d-\d\d 02:00:00 UTC\s+in \d+(h|h \d+min| min)\s+\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+\d+s ago\s+\x1b\[32msuccess \(0\)\x1b\[0m/m);
    expect(out).toContain(`${ESC}31mfailed (4)${ESC}0m`);
    expect(out).not.toMatch(/\.\d{3}Z/); // no milliseconds, no ISO instants
  });

  it('has no colour under NO_COLOR, and keeps the words', () => {
    const out = onTerminal(home, 'status', { env: 'NO_COLOR=1' });
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/failed \(4\)/);
  });

  it('fits the table to a narrow terminal, cutting the reason with an ellipsis, never a run id', () => {
    const out = onTerminal(home, 'history', { columns: 90, env: 'NO_COLOR=1' });
    const lines = out.trimEnd().split('\n');
    // Too narrow for every column: the reason is cut first, then the columns the rest say well
    // enough go, and what they freed goes back to the reason: at 90 columns it is still cut.
    expect(lines[0]).toMatch(/^STARTED\s+TASK\s+RUN\s+STATUS\s+.*REASON$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(90);
    expect(out).toMatch(/exit c.*…/);
    // At 100, the room the dropped columns left holds the whole reason.
    expect(onTerminal(home, 'history', { columns: 100, env: 'NO_COLOR=1' })).toMatch(/exit code 4$/m);
    expect(out).toMatch(/\d{8}T\d{6}Z-[0-9a-f]{8}/); // the run id stays whole
  });

  it.each([
    ['status', 80],
    ['history', 80],
    ['next', 80],
    ['status', 60],
    ['next', 40],
  ])('%s fits a terminal %i columns wide', (command, columns) => {
    const out = onTerminal(home, command, { columns, env: 'NO_COLOR=1' });
    for (const line of out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
  });

  it('history at 80 columns: the start without weekday, year and zone, the run id whole', () => {
    const out = onTerminal(home, 'history', { columns: 80, env: 'NO_COLOR=1' });
    expect(out).toMatch(/^STARTED\s+TASK\s+RUN\s+STATUS\s+(TOOK\s+)?REASON$/m);
    expect(out).toMatch(/^\d\d-\d\d \d\d:\d\d:\d\d\s+broken\s+\d{8}T\d{6}Z-[0-9a-f]{8}\s+failed\s+(\S+\s+)?exit/m);
  });

  it('takes the width from $COLUMNS when set (a terminal that reports no size, or a chosen width)', () => {
    const out = onTerminal(home, 'history', { columns: 200, env: 'NO_COLOR=1 COLUMNS=80' });
    for (const line of out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(out.split('\n')[0]).not.toMatch(/PASSED/);
  });

  it('shows every column on a wide terminal', () => {
    const out = onTerminal(home, 'history', { columns: 200, env: 'NO_COLOR=1' });
    expect(out.split('\n')[0]).toMatch(/^STARTED\s+PASSED\s+TASK\s+RUN\s+ATTEMPT\s+TRIGGER\s+STATUS\s+EXIT\s+TOOK\s+REASON$/);
  });

  it('next shows the fires soonest first, with how long until each, and the instant in the task zone', () => {
    const out = onTerminal(home, 'next -n 2', { env: 'NO_COLOR=1' });
    expect(out).toMatch(/^NEXT\s+LEFT\s+TASK\s+IN ITS ZONE$/m);
    expect(out).toMatch(/^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:00 UTC\s+in \d+.*\s+broken\s+\d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00$/m);
  });

  it('next --from in the past says how long ago those fires were, not "now"', () => {
    const out = onTerminal(home, 'next --task nightly -n 2 --from 2025-03-01T00:00:00Z', { env: 'NO_COLOR=1' });
    expect(out).toMatch(/^Sat 2025-03-01 02:00:00 UTC\s+\d+ weeks ago\s+nightly\s+2025-03-01T02:00:00\+00:00$/m);
    expect(out).toMatch(/^Sun 2025-03-02 02:00:00 UTC\s+\d+ weeks ago\s+nightly\s+2025-03-02T02:00:00\+00:00$/m);
    expect(out).not.toMatch(/\bnow\b/);
  });
});

describe('status on a terminal, for watch tasks and budgets', () => {
  it('names the watched folder in SCHEDULE and lists each folder\'s counts and each budget\'s use today', () => {
    const home = makeHome({
      tasks: [
        { name: 'intake', command: 'true', watch: { path: 'in' } },
        { name: 'capped', command: 'true', schedule: '0 2 * * *', budget: { max_runs_per_day: 5, max_runtime_per_day: 3600 } },
        { name: 'plain', command: 'true' },
      ],
      settings: { timezone: 'UTC' },
    });
    runCli(['run', '--task', 'capped'], { home });
    const out = onTerminal(home, 'status', { env: 'NO_COLOR=1' });
    expect(out).toMatch(/^intake\s+\(watch in\)\s/m);
    expect(out).toMatch(/^plain\s+\(no schedule\)\s/m);
    expect(out).toMatch(/^watched folders \(files since the daemon started\):\n\s*TASK\s+FOLDER\s+PENDING\s+RUNNING\s+PROCESSED\s+FAILED\n\s*intake\s+in\s+0\s+0\s+0\s+0$/m);
    expect(out).toMatch(/^budgets \(today, UTC\):\n\s*TASK\s+RUNS\s+RUNTIME\n\s*capped\s+1 of 5\s+\d+ms of 1h$/m);
  });
});

describe('piped', () => {
  it('keeps the shapes scripts read: status JSON, history ISO times, next one ISO time a line', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: '0 2 * * *' }], settings: { timezone: 'UTC' } });
    runCli(['run', '--task', 'a'], { home });
    expect(() => JSON.parse(runCli(['status'], { home }).stdout)).not.toThrow();
    const history = runCli(['history'], { home }).stdout;
    expect(history).toMatch(/^STARTED\s+TASK\s+RUN\s+ATTEMPT\s+TRIGGER\s+STATUS\s+EXIT\s+TOOK\s+REASON$/m);
    expect(history).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+a\s+/m);
    expect(history).not.toContain(ESC);
    expect(runCli(['next', '--task', 'a', '-n', '1'], { home }).stdout).toMatch(/^\d{4}-\d\d-\d\dT02:00:00\+00:00\n$/);
  });
});
