// The built CLI as a new user runs it: real processes, a real SQLite file, real signals.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, makeHome, repoRoot, runCli, spawnCli, writeConfig } from '../helpers/cli.js';
import { exitOf, processAlive, rows, waitFor } from '../helpers/wait.js';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('validate, when the config is bad', () => {
  it.each([
    ['malformed JSON', '{\n  "tasks": [\n    {"name": "a",}\n  ]\n}', /conductor_config\.json:3:17: invalid JSON: trailing comma/],
    ['an empty file', '', /conductor_config\.json: the file is empty/],
    ['an unknown key', { tasks: [{ name: 'a', command: 'true', retries: 2 }] }, /\/tasks\/0\/retries: unknown key/],
    ['a wrong type', { tasks: [{ name: 'a', command: 'true', timeout: 'soon' }] }, /\/tasks\/0\/timeout: expected a number, got "soon"/],
    ['a bad cron', { tasks: [{ name: 'a', command: 'true', schedule: '61 * * * *' }] }, /\/tasks\/0\/schedule: "61 \* \* \* \*" is not a valid cron expression \(minute 61/],
    ['a missing dependency', { tasks: [{ name: 'a', command: 'true', dependencies: ['zz'] }] }, /\/tasks\/0\/dependencies\/0: unknown task "zz"/],
    [
      'a cycle',
      { tasks: [{ name: 'a', command: 'true', dependencies: ['b'] }, { name: 'b', command: 'true', dependencies: ['a'] }] },
      /dependency cycle: a -> b -> a/,
    ],
    ['duplicate names', { tasks: [{ name: 'a', command: 'true' }, { name: 'a', command: 'true' }] }, /\/tasks\/1\/name: duplicate task name "a"/],
    ['an unsafe name', { tasks: [{ name: '../../etc/x', command: 'true' }] }, /\/tasks\/0\/name: "..\/..\/etc\/x" is not a safe task name/],
    ['negative numbers', { tasks: [{ name: 'a', command: 'true', retry_delay: -5 }] }, /\/tasks\/0\/retry_delay: must be >= 0, got -5/],
  ])('refuses %s with exit 1 and says where', (_label, config, expected) => {
    const home = makeHome(config);
    const result = runCli(['validate'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    noStack(result.stderr);
  });

  it('says the config file is missing, with exit 1', () => {
    const result = runCli(['validate'], { home: makeHome() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\/conductor_config\.json: config file not found/);
  });

  it('with --json, gives a JSON syntax error as its one problem, where = file:line:column', () => {
    const home = makeHome();
    fs.mkdirSync(path.join(home, 'config'));
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), '{"tasks": [\n  {"name": "a", "command": "true"},\n]}\n');
    const result = runCli(['validate', '--json'], { home });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      error: expect.stringMatching(/conductor_config\.json:2:35: invalid JSON: trailing comma before '\]'$/),
      problems: [{ where: expect.stringMatching(/conductor_config\.json:2:35$/), message: "invalid JSON: trailing comma before ']'" }],
    });
    // The text form says it once.
    expect(runCli(['validate'], { home }).stderr.match(/trailing comma/g)).toHaveLength(1);
  });

  it('lists every problem at once', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', retries: 1 }, { name: 'b', command: 'true', schedule: 'x' }] });
    const result = runCli(['validate'], { home });
    expect(result.stderr).toMatch(/2 problems/);
    expect(result.stderr).toMatch(/\/tasks\/0\/retries/);
    expect(result.stderr).toMatch(/\/tasks\/1\/schedule/);
  });

  it('validates the shipped config', () => {
    // In the repository's own home: its watch task names config/intent.schema.json, relative to the home.
    const result = runCli(['validate'], { home: repoRoot });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/valid, 8 tasks/);
    expect(result.code).toBe(0);
  });
});

describe('run --task', () => {
  it('records a command that does not exist as failed with exit 127 and a clear reason', () => {
    const home = makeHome({ tasks: [{ name: 'ghost', command: 'no_such_command_at_all' }] });
    const result = runCli(['run', '--task', 'ghost'], { home });
    expect(result.code).toBe(8);
    const [row] = rows(home);
    expect(row).toMatchObject({ status: 'failed', exit_code: 127, reason: 'exit code 127: command not found', trigger: 'manual' });
    expect(fs.readFileSync(path.join(home, 'status/automation_health/ghost.health'), 'utf8')).toMatch(/^failed:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ:127\n$/);
  });

  it("runs the command under the conductor's own environment, the task's env on top", () => {
    const home = makeHome({ tasks: [{ name: 'env', command: 'echo "$FROM_CONDUCTOR $GREETING $CONDUCTOR_TASK"', env: { GREETING: 'from the task' } }] });
    const env = { FROM_CONDUCTOR: 'inherited', GREETING: 'from the conductor' };
    expect(runCli(['run', '--task', 'env'], { home, env }).code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'logs/automation/env.log'), 'utf8')).toContain('inherited from the task env\n');
    // The same through execa, the back end used where the spawn helper cannot be built.
    expect(runCli(['run', '--task', 'env'], { home, env: { ...env, CONDUCTOR_SPAWN: 'node' } }).code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'logs/automation/env.log'), 'utf8').split('inherited from the task env\n')).toHaveLength(3);
  });

  it('gives the command the contract environment, cwd and output log', () => {
    const home = makeHome({
      tasks: [{ name: 'env', command: 'echo "$CONDUCTOR_TASK $CONDUCTOR_ATTEMPT $CONDUCTOR_TRIGGER $GREETING $(pwd)"; echo oops >&2', env: { GREETING: 'hi' }, cwd: 'work' }],
    });
    fs.mkdirSync(path.join(home, 'work'));
    expect(runCli(['run', '--task', 'env'], { home }).code).toBe(0);
    const log = fs.readFileSync(path.join(home, 'logs/automation/env.log'), 'utf8');
    expect(log).toMatch(/^=== symphony-conductor run=\S+ attempt=1 task=env trigger=manual at=\S+ ===\n/);
    expect(log).toContain(`env 1 manual hi ${fs.realpathSync(path.join(home, 'work'))}\noops\n`);
    const logs = runCli(['logs', '--task', 'env'], { home });
    expect(logs.stdout).toContain('env 1 manual hi');
  });

  it('retries a failing task and records every attempt', () => {
    const home = makeHome({ tasks: [{ name: 'flaky', command: 'exit 2', retry_count: 2, retry_delay: 0.05, retry_backoff: 'exponential' }] });
    expect(runCli(['run', '--task', 'flaky'], { home }).code).toBe(8);
    const attempts = rows(home);
    expect(attempts.map((r) => [r.attempt, r.status, r.exit_code])).toEqual([
      [1, 'failed', 2],
      [2, 'failed', 2],
      [3, 'failed', 2],
    ]);
    expect(new Set(attempts.map((r) => r.run_id)).size).toBe(1);
  });

  it('stops a task at its timeout with its grandchildren, status timeout, code 124', () => {
    const home = makeHome({
      tasks: [{ name: 'slow', command: 'sleep 60 & echo $! > grandchild.pid; sleep 60', timeout: 0.5, kill_grace: 0.5 }],
    });
    const result = runCli(['run', '--task', 'slow'], { home });
    expect(result.code).toBe(8);
    expect(rows(home)[0]).toMatchObject({ status: 'timeout', exit_code: 124 });
    const grandchild = Number(fs.readFileSync(path.join(home, 'grandchild.pid'), 'utf8'));
    expect(processAlive(grandchild)).toBe(false);
  });

  it('leaves nothing of the run behind when the shell exits early', () => {
    const home = makeHome({ tasks: [{ name: 'bg', command: 'sleep 60 & echo $! > bg.pid', kill_grace: 1 }] });
    expect(runCli(['run', '--task', 'bg'], { home }).code).toBe(0);
    expect(processAlive(Number(fs.readFileSync(path.join(home, 'bg.pid'), 'utf8')))).toBe(false);
  });

  it('refuses an unknown task with exit 1', () => {
    const result = runCli(['run', '--task', 'nope'], { home: makeHome({ tasks: [{ name: 'a', command: 'true' }] }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no task named "nope"/);
  });

  it('runs the upstream first with --with-deps', () => {
    const home = makeHome({
      tasks: [
        { name: 'a', command: 'true' },
        { name: 'b', command: 'true', dependencies: ['a'] },
        { name: 'c', command: 'true', dependencies: ['b'] },
        { name: 'other', command: 'true' },
      ],
    });
    expect(runCli(['run', '--task', 'c', '--with-deps'], { home }).code).toBe(0);
    expect(rows(home).map((r) => r.task)).toEqual(['a', 'b', 'c']);
  });

  it('stops the running group on SIGINT, records it interrupted and exits 3', async () => {
    const home = makeHome({ tasks: [{ name: 'long', command: 'echo $$ > shell.pid; sleep 60 & wait', kill_grace: 2 }] });
    const child = spawnCli(['run', '--task', 'long'], { home });
    const pidFile = path.join(home, 'shell.pid');
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 'the task to start');
    child.kill('SIGINT');
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = await exitOf(child);
    expect({ ...exit, stderr }).toMatchObject({ code: 3 });
    expect(rows(home)[0]).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGINT' });
    expect(processAlive(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});

describe('run --all', () => {
  it('runs in DAG order, skips the dependents of a failed task and goes on with other branches', () => {
    const home = makeHome({
      tasks: [
        { name: 'bad', command: 'exit 1' },
        { name: 'after_bad', command: 'true', dependencies: ['bad'] },
        { name: 'good', command: 'true' },
        { name: 'after_good', command: 'true', dependencies: ['good'] },
        { name: 'off', command: 'true', enabled: false },
        { name: 'after_off', command: 'true', dependencies: ['off'] },
      ],
      settings: { max_concurrent_tasks: 2 },
    });
    const result = runCli(['run', '--all', '--json'], { home });
    expect(result.code).toBe(8);
    const outcome = Object.fromEntries((JSON.parse(result.stdout) as { task: string; status: string; reason: string }[]).map((o) => [o.task, o]));
    expect(outcome.after_bad).toMatchObject({ status: 'skipped', reason: 'dependency bad failed' });
    expect(outcome.after_good?.status).toBe('success');
    expect(outcome.after_off).toMatchObject({ status: 'skipped', reason: 'dependency off is disabled' });
    expect(outcome.off).toBeUndefined();
    expect(rows(home).every((r) => r.trigger === 'once')).toBe(true);
    // The summary for people names the tasks it left out, and why.
    const text = runCli(['run', '--all'], { home });
    expect(text.stdout).toMatch(/^2 succeeded, 1 failed, 2 skipped\nnot run: off is disabled\nsee the output with: symphony-conductor logs --task bad\n$/m);
  });

  it('names a watch task it leaves to run --task in its summary', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }, { name: 'intake', command: 'true', watch: { path: 'in' } }] });
    const result = runCli(['run', '--all'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 succeeded\nnot run: intake watches a folder (run --task intake processes its files)\n');
  });
});

describe('the home folders', () => {
  it.each([['logs'], ['status']])('names the path when a file stands where %s/ should be, exit 1', (folder) => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }] });
    fs.writeFileSync(path.join(home, folder), 'not a folder');
    const result = runCli(['run', '--task', 'a'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(path.join(home, folder));
    noStack(result.stderr);
  });
});

describe('status, history, next and graph', () => {
  const config = {
    tasks: [
      { name: 'nightly', command: 'true', schedule: '0 2 * * *', timezone: 'America/New_York' },
      { name: 'after', command: 'true', dependencies: ['nightly'] },
    ],
  };

  it('status --json has the contract shape, before and after runs', () => {
    const home = makeHome(config);
    const before = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(before.daemon).toEqual({ running: false, pid: null, since: null, version: null });
    expect(before.tasks[0]).toMatchObject({ name: 'nightly', enabled: true, schedule: '0 2 * * *', timezone: 'America/New_York', last_run: null, health: null });
    expect(before.tasks[0].next_run).toMatch(/T0[67]:00:00\.000Z$/);
    expect(before.recent_results).toEqual([]);
    runCli(['run', '--task', 'nightly'], { home });
    const after = JSON.parse(runCli(['status'], { home }).stdout); // piped: JSON by default
    expect(Object.keys(after.recent_results[0]).sort()).toEqual(
      ['attempt', 'duration_ms', 'exit_code', 'finished_at', 'reason', 'run_id', 'signal', 'started_at', 'status', 'task', 'trigger', 'worker'].sort(),
    );
    expect(after.tasks[0].health).toMatchObject({ status: 'success', exit_code: 0 });
    expect(after.recent_results[0].worker).toBeNull(); // a local run
    expect(after).not.toHaveProperty('executor'); // only with the queue executor
  });

  it('history --json is newest first and honours --task and --limit', () => {
    const home = makeHome(config);
    runCli(['run', '--task', 'nightly'], { home });
    runCli(['run', '--task', 'after'], { home });
    const all = JSON.parse(runCli(['history', '--json'], { home }).stdout);
    expect(all.map((r: { task: string }) => r.task)).toEqual(['after', 'nightly']);
    const one = JSON.parse(runCli(['history', '--task', 'nightly', '--limit', '1', '--json'], { home }).stdout);
    expect(one).toHaveLength(1);
  });

  it('next prints ISO times with the zone offset, --from exclusive', () => {
    const home = makeHome(config);
    const result = runCli(['next', '--task', 'nightly', '-n', '2', '--from', '2025-03-08T07:00:00Z'], { home });
    // 02:00 does not exist on 2025-03-09 in New York: the fixed-time task runs right after the jump.
    expect(result.stdout).toBe('2025-03-09T03:00:00-04:00\n2025-03-10T02:00:00-04:00\n');
    const all = runCli(['next', '-n', '1', '--from', '2025-06-01T00:00:00Z'], { home });
    expect(all.stdout).toBe('nightly 2025-06-01T02:00:00-04:00\n');
    const json = JSON.parse(runCli(['next', '--json', '-n', '1', '--from', '2025-06-01T00:00:00Z'], { home }).stdout);
    expect(json).toEqual([{ task: 'nightly', at: '2025-06-01T02:00:00-04:00' }]);
  });

  it('next --from without an offset is one instant for every task: read in the settings\' zone, or in the zone of --task', () => {
    const home = makeHome({
      tasks: [
        { name: 'tk', command: 'true', schedule: '0 2 * * *', timezone: 'Asia/Tokyo' },
        { name: 'u', command: 'true', schedule: '0 2 * * *' },
      ],
      settings: { timezone: 'America/New_York' },
    });
    // 2026-06-01T00:00 in New York is 04:00Z: Tokyo's 02:00 that day (2026-05-31T17:00Z) is before it.
    expect(runCli(['next', '-n', '1', '--from', '2026-06-01T00:00:00'], { home }).stdout).toBe('tk 2026-06-02T02:00:00+09:00\nu 2026-06-01T02:00:00-04:00\n');
    expect(runCli(['next', '--task', 'tk', '-n', '1', '--from', '2026-06-01T00:00:00'], { home }).stdout).toBe('2026-06-01T02:00:00+09:00\n');
  });

  it('next --task of a task with no schedule says what sets it off, and that a disabled one never runs', () => {
    const home = makeHome({
      tasks: [
        { name: 'up', command: 'true' },
        { name: 'wf', command: 'true', dependencies: ['up'], watch: { path: 'in' } },
        { name: 'off', command: 'true', watch: { path: 'in2' }, enabled: false },
      ],
    });
    expect(runCli(['next', '--task', 'up'], { home }).stderr).toBe('task up has no schedule; it runs only by hand\n');
    expect(runCli(['next', '--task', 'wf'], { home }).stderr).toBe('task wf has no schedule; it runs on each file in in, after its dependencies, or by hand\n');
    expect(runCli(['next', '--task', 'off'], { home }).stderr).toBe('task off is disabled (enabled: false): it never runs\n');
  });

  it('next --task of a disabled task prints no fire time and says why, as status gives it no next run', () => {
    const home = makeHome({ tasks: [{ name: 'off', command: 'true', schedule: '0 2 * * *', enabled: false }] });
    const result = runCli(['next', '--task', 'off'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('task off is disabled (enabled: false): it does not fire\n');
    expect(JSON.parse(runCli(['next', '--task', 'off', '--json'], { home }).stdout)).toEqual([]);
  });

  it('graph draws the edges in text, mermaid and dot', () => {
    const home = makeHome(config);
    expect(runCli(['graph'], { home }).stdout).toMatch(/after\s+\[after dependencies\]\s+<- nightly/);
    expect(runCli(['graph', '--format', 'mermaid'], { home }).stdout).toContain('t_nightly --> t_after');
    expect(runCli(['graph', '--format', 'dot'], { home }).stdout).toContain('"nightly" -> "after";');
  });

  it('every command has --help with an example', () => {
    for (const command of ['start', 'status', 'run', 'history', 'next', 'validate', 'graph', 'logs']) {
      const help = runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:/);
    }
  });

  it('names an unknown command as such, with the commands it may be a typo of (a prefix first)', () => {
    const cases: [string, RegExp][] = [
      ['stat', /^symphony-conductor: unknown command "stat"; did you mean status, start/],
      ['histroy', /^symphony-conductor: unknown command "histroy"; did you mean history\?/],
      ['zzzzzzzz', /^symphony-conductor: unknown command "zzzzzzzz"\n/],
    ];
    for (const [word, expected] of cases) {
      const result = runCli([word], { home: makeHome(config) });
      expect(result.code, word).toBe(1);
      expect(result.stderr, word).toMatch(expected);
    }
  });

  it('prints each example command whole in --help, piped (no wrapping at a fixed width)', () => {
    const help = runCli(['reject', '--help']);
    expect(help.stdout).toMatch(/^ {2}symphony-conductor reject --run \S+ --comment "[^"\n]+"/m);
  });

  it('refuses an unknown flag with exit 1', () => {
    const result = runCli(['status', '--bogus'], { home: makeHome(config) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Unknown argument/);
  });
});

void writeConfig;

describe('logs', () => {
  it("shows why a run's command could not start under its header, as the history does", () => {
    const home = makeHome({ tasks: [{ name: 'nocwd', command: 'echo hi', cwd: 'not-here' }] });
    const run = runCli(['run', '--task', 'nocwd'], { home });
    expect(run.code).toBe(8);
    const shown = runCli(['logs', '--task', 'nocwd'], { home });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^=== symphony-conductor run=\S+ attempt=1 task=nocwd [^\n]*\nsymphony-conductor: cannot start the command: working directory \S*not-here: No such file or directory\n$/);
  });

  it('prints one run with --run, every attempt of it, and only it', () => {
    const home = makeHome({ tasks: [{ name: 'n', command: 'echo "attempt $CONDUCTOR_ATTEMPT of $CONDUCTOR_RUN_ID"; exit 1', retry_count: 1, retry_delay: 0 }] });
    runCli(['run', '--task', 'n'], { home });
    runCli(['run', '--task', 'n'], { home });
    const [first] = rows(home);
    const out = runCli(['logs', '--task', 'n', '--run', first!.run_id], { home });
    expect(out.code).toBe(0);
    expect(out.stdout.match(/^attempt \d of .*$/gm)).toEqual([`attempt 1 of ${first!.run_id}`, `attempt 2 of ${first!.run_id}`]);
    const latest = runCli(['logs', '--task', 'n'], { home });
    expect(latest.stdout).not.toContain(first!.run_id);
    expect(runCli(['logs', '--task', 'n', '--run', 'nope'], { home }).code).toBe(1);
  });

  it('with --run and -f, prints a finished run and ends at once, never another run', async () => {
    const home = makeHome({ tasks: [{ name: 'r', command: 'echo "out of $CONDUCTOR_RUN_ID"' }] });
    runCli(['run', '--task', 'r'], { home });
    runCli(['run', '--task', 'r'], { home });
    const [, first] = rows(home);
    const follower = spawnCli(['logs', '--task', 'r', '--run', first!.run_id, '-f'], { home });
    let out = '';
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    expect((await exitOf(follower)).code).toBe(0);
    expect(out.match(/^out of .*$/gm)).toEqual([`out of ${first!.run_id}`]);
  });

  it('with --run and -f, follows that run through its retries, leaves out other runs, and ends when it ends', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'slow',
          command: 'echo "start $CONDUCTOR_ATTEMPT"; while [ ! -e "release$CONDUCTOR_ATTEMPT" ]; do sleep 0.05; done; echo "end $CONDUCTOR_ATTEMPT"; [ "$CONDUCTOR_ATTEMPT" -ge 2 ]',
          retry_count: 1,
          retry_delay: 0,
        },
      ],
    });
    fs.writeFileSync(path.join(home, 'release1'), '');
    fs.writeFileSync(path.join(home, 'release2'), '');
    runCli(['run', '--task', 'slow'], { home }); // an earlier run, in the log before it
    fs.rmSync(path.join(home, 'release1'));
    fs.rmSync(path.join(home, 'release2'));
    const run = spawnCli(['run', '--task', 'slow'], { home });
    await waitFor(() => rows(home).some((r) => r.status === 'running'), 'the run to start');
    const runId = rows(home).find((r) => r.status === 'running')!.run_id;
    const follower = spawnCli(['logs', '--task', 'slow', '--run', runId, '-f'], { home });
    let out = '';
    let ended = false;
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    void exitOf(follower).then(() => (ended = true));
    await waitFor(() => out.includes('start 1'), 'its first attempt');
    fs.writeFileSync(path.join(home, 'release1'), '');
    await waitFor(() => out.includes('start 2'), 'its retry');
    expect(ended).toBe(false);
    fs.writeFileSync(path.join(home, 'release2'), '');
    expect((await exitOf(run)).code).toBe(0);
    expect((await exitOf(follower)).code).toBe(0);
    expect(out.match(/^(start|end) \d$/gm)).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(out.match(/run=\S+/g)?.every((m) => m === `run=${runId}`)).toBe(true);
  });

  it('with --run and -f, reads a log rotated between two attempts to its end before the new one', async () => {
    const home = makeHome({
      settings: { log_max_bytes: 1024, log_keep: 5 },
      tasks: [
        {
          name: 'big',
          // Attempt 1 fills the log past log_max_bytes: attempt 2 starts in a new one.
          command: 'head -c 2000 /dev/zero | tr "\\0" x; echo; echo "start $CONDUCTOR_ATTEMPT"; while [ ! -e "release$CONDUCTOR_ATTEMPT" ]; do sleep 0.05; done; echo "end $CONDUCTOR_ATTEMPT"; [ "$CONDUCTOR_ATTEMPT" -ge 2 ]',
          retry_count: 1,
          retry_delay: 0,
        },
      ],
    });
    const run = spawnCli(['run', '--task', 'big'], { home });
    await waitFor(() => rows(home).some((r) => r.status === 'running'), 'the run to start');
    const runId = rows(home).find((r) => r.status === 'running')!.run_id;
    const follower = spawnCli(['logs', '--task', 'big', '--run', runId, '-f'], { home });
    let out = '';
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(() => out.includes('start 1'), 'its first attempt');
    fs.writeFileSync(path.join(home, 'release1'), '');
    await waitFor(() => out.includes('start 2'), 'its retry');
    expect(fs.existsSync(path.join(home, 'logs', 'automation', 'big.log.1'))).toBe(true);
    fs.writeFileSync(path.join(home, 'release2'), '');
    expect((await exitOf(run)).code).toBe(0);
    expect((await exitOf(follower)).code).toBe(0);
    expect(out.match(/^(start|end) \d$/gm)).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('with -f, goes on from the byte its copy of the log stopped at: no line written in between is lost or printed twice', async () => {
    const home = makeHome({ tasks: [{ name: 'chatty', command: 'i=0; while [ ! -e stop ]; do echo "line $i"; i=$((i+1)); sleep 0.001; done' }] });
    const run = spawnCli(['run', '--task', 'chatty'], { home });
    await waitFor(() => rows(home).some((r) => r.status === 'running'), 'the run to start');
    const runId = rows(home).find((r) => r.status === 'running')!.run_id;
    const followers = [['logs', '--task', 'chatty', '--run', runId, '-f'], ['logs', '--task', 'chatty', '-f']].map((args) => {
      const child = spawnCli(args, { home });
      const out = { text: '' };
      child.stdout?.on('data', (c: Buffer) => (out.text += c.toString()));
      return { child, out };
    });
    await waitFor(() => followers.every((f) => f.out.text.includes('\nline ')), 'both followers to print');
    await new Promise((resolve) => setTimeout(resolve, 400)); // two looks of each follow at least
    fs.writeFileSync(path.join(home, 'stop'), '');
    expect((await exitOf(run)).code).toBe(0);
    expect((await exitOf(followers[0]!.child)).code).toBe(0); // --run: ends with the run
    const linesOf = (text: string) => text.split('\n').filter((l) => l.startsWith('line '));
    const lines = linesOf(followers[0]!.out.text);
    expect(lines.length).toBeGreaterThan(1); // however slow the machine, the loop ran on through the follow
    expect(lines.filter((l, i) => l !== `line ${i}`).slice(0, 1)).toEqual([]);
    await waitFor(() => followers[1]!.out.text.includes(`\n${lines.at(-1)}\n`), 'the plain follower to print the last line');
    followers[1]!.child.kill('SIGINT');
    await exitOf(followers[1]!.child);
    expect(linesOf(followers[1]!.out.text)).toEqual(lines);
  });

  it('says a name the config does not know is not in the config, with the close ones: logs, history, run --task', () => {
    const home = makeHome({ tasks: [{ name: 'inventory_scan', command: 'echo x' }, { name: 'c', command: 'true' }] });
    const logs = runCli(['logs', '--task', 'inventry_scan'], { home });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain('no task "inventry_scan" in the config, and no output recorded for it');
    const history = runCli(['history', '--task', 'inventry_scan'], { home });
    expect(history.code).toBe(0);
    expect(history.stdout).toBe('no runs of inventry_scan recorded (no task "inventry_scan" in the config; did you mean "inventory_scan"?)\n');
    expect(runCli(['history', '--task', 'c'], { home }).stdout).toBe('no runs of c recorded\n');
    const run = runCli(['run', '--task', 'nosuch'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no task named "nosuch" in the config (tasks: inventory_scan, c)');
    expect(runCli(['run', '--task', 'inventry_scan'], { home }).stderr).toContain('(did you mean "inventory_scan"?)');
  });

  it('with -f, refuses a task the config does not name (a typo would wait forever), and says it waits for a task not run yet', async () => {
    const home = makeHome({ tasks: [{ name: 'later', command: 'echo later' }] });
    const unknown = runCli(['logs', '--task', 'nosuch', '-f'], { home });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no task "nosuch" in the config, and no output recorded for it');
    const follower = spawnCli(['logs', '--task', 'later', '-f'], { home });
    let err = '';
    let out = '';
    follower.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(() => err.includes('waiting for the output of "later" (nothing recorded yet in'), 'the waiting note');
    expect(runCli(['run', '--task', 'later'], { home }).code).toBe(0);
    await waitFor(() => out.includes('later'), 'its first output');
    follower.kill('SIGINT');
    expect((await exitOf(follower)).code).toBe(0);
  });

  it('follows the log with -f until SIGINT, then exits 0', async () => {
    const home = makeHome({ tasks: [{ name: 'f', command: 'echo later' }] });
    runCli(['run', '--task', 'f'], { home });
    const follower = spawnCli(['logs', '--task', 'f', '-f'], { home });
    let out = '';
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(() => out.includes('later'), 'the existing output');
    fs.appendFileSync(path.join(home, 'logs/automation/f.log'), 'appended line\n');
    await waitFor(() => out.includes('appended line'), 'the appended output');
    follower.kill('SIGINT');
    expect((await exitOf(follower)).code).toBe(0);
  });
});

describe('status on a terminal', () => {
  it('prints a readable table', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: '0 2 * * *' }] });
    runCli(['run', '--task', 'a'], { home });
    const shown = spawnSync('script', ['-qc', `${process.execPath} ${cliPath} --home ${home} status`, '/dev/null'], { encoding: 'utf8' });
    expect(shown.stdout).toMatch(/daemon: (\x1b\[31m)?not running/);
    expect(shown.stdout).toMatch(/TASK\s+SCHEDULE\s+NEXT\s+LEFT\s+LAST\s+PASSED\s+STATUS\s+HEALTH/);
    expect(shown.stdout).toMatch(/a\s+0 2 \* \* \*\s+\w{3} \d{4}-\d\d-\d\d 02:00:00 \w+\s+in \S+( \S+)?\s+\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+\s+\d+s ago\s+(\x1b\[32m)?success \(0\)/);
  });
});
