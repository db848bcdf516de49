// `run --task` on a watch task (once-mode, seed 003) and the watch checks of validate/start,
// with the real CLI and real files: exit 0/8/3/1 as spec/triggers.md says, files not started
// left in place with an UNSPECIFIED status file, every problem named by its JSON pointer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';
import { fileRows, namesIn, records, startDaemon, statusFiles } from '../helpers/watch.js';

function home(command: string, watch: Record<string, unknown> = {}, over: Record<string, unknown> = {}) {
  const dir = makeHome({ tasks: [{ name: 'drain', command, watch: { path: 'in', settle_ms: 0, workers: 2, ...watch }, ...over }] });
  fs.mkdirSync(path.join(dir, 'in'));
  return dir;
}

describe('run --task on a watch task (once-mode)', () => {
  it('processes the files there now and exits 0 when every one succeeded', () => {
    const h = home('cat "$CONDUCTOR_FILE" >> "$CONDUCTOR_HOME/all.txt"', { pattern: '*.json' });
    for (const n of [1, 2, 3]) fs.writeFileSync(path.join(h, 'in', `f${n}.json`), `{"n": ${n}}\n`);
    fs.writeFileSync(path.join(h, 'in', 'ignored.txt'), 'not mine');
    const result = runCli(['run', '--task', 'drain'], { home: h });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drain: 3 processed, 0 failed, 0 left in place');
    expect(fs.readFileSync(path.join(h, 'all.txt'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['{"n": 1}', '{"n": 2}', '{"n": 3}']);
    expect(namesIn(path.join(h, 'in', 'processed')).map(String).sort()).toEqual(['f1.json', 'f2.json', 'f3.json']);
    expect(namesIn(path.join(h, 'in')).map(String)).toEqual(['ignored.txt']);
    expect(statusFiles(h, 'drain').map((s) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(rows(h).map((r) => r.trigger)).toEqual(['watch', 'watch', 'watch']);
    // Run again: nothing new, nothing runs twice.
    const again = runCli(['run', '--task', 'drain'], { home: h });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('drain: no files');
    expect(rows(h)).toHaveLength(3);
  });

  it('runs the files of a task with an approval gate with --approved, and audits the run by hand and the approval', () => {
    const h = home('true', {}, { approval: { timeout: 60 } });
    fs.writeFileSync(path.join(h, 'in', 'a.txt'), 'x');
    const refused = runCli(['run', '--task', 'drain', '--watch-timeout', '5'], { home: h });
    expect(refused.stdout).toContain('drain: 0 processed, 0 failed, 1 left in place');
    const result = runCli(['run', '--task', 'drain', '--approved', '--watch-timeout', '5'], { home: h });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drain: 1 processed, 0 failed, 0 left in place');
    expect(namesIn(path.join(h, 'in', 'processed')).map(String)).toEqual(['a.txt']);
    const audit = JSON.parse(runCli(['audit', '--json'], { home: h }).stdout) as { action: string; source: string; task: string; detail: string }[];
    expect(audit.map((a) => [a.action, a.source, a.task, a.detail])).toEqual([
      ['approve', 'cli', 'drain', "approved as its files' runs were asked for (--approved): 1 run"],
      ['run', 'cli', 'drain', 'once-mode: 1 processed, 0 failed, 0 left in place'],
      ['run', 'cli', 'drain', 'once-mode: 0 processed, 0 failed, 1 left in place'],
    ]);
  });

  it('exits 8 when a file fails for real (its command, or its JSON), and moves it to failed', () => {
    const h = home('grep -q ok "$CONDUCTOR_FILE"', { json: true });
    fs.writeFileSync(path.join(h, 'in', 'good.json'), '{"ok": true}');
    fs.writeFileSync(path.join(h, 'in', 'bad.json'), '{"no": true}');
    fs.writeFileSync(path.join(h, 'in', 'broken.json'), '{"ok": ');
    const result = runCli(['run', '--task', 'drain', '--json'], { home: h });
    expect(result.code).toBe(8);
    const outcomes = JSON.parse(result.stdout) as { file: string; status: string; reason: string | null }[];
    expect(outcomes.map((o) => `${o.file}:${o.status}`).sort()).toEqual(['bad.json:failed', 'broken.json:failed', 'good.json:success']);
    expect(outcomes.find((o) => o.file === 'broken.json')?.reason).toBe('broken.json: not JSON: at line 1, column 8: unexpected end of file, expected a value');
    expect(namesIn(path.join(h, 'in', 'failed')).map(String).sort()).toEqual(['bad.json', 'broken.json']);
    fs.writeFileSync(path.join(h, 'in', 'worse.json'), '{"no": 2}');
    const text = runCli(['run', '--task', 'drain'], { home: h });
    expect(text.code).toBe(8);
    expect(text.stdout).toContain('drain: 0 processed, 1 failed, 0 left in place');
    // Each progress line names the file its run works on (two of the task's runs go at once).
    expect(text.stdout).toMatch(/^-> drain \(worse\.json\): started \(run \S+, attempt 1, pid \d+\)$/m);
    expect(text.stdout).toMatch(/^!! drain \(worse\.json\): failed after \S+: exit code 1$/m);
  });

  it.each([
    ['deletes', 'rm -f "$CONDUCTOR_FILE"', 'processed'],
    ['moves', 'mv "$CONDUCTOR_FILE" "$CONDUCTOR_HOME/kept/"', 'processed'],
    ['deletes, then fails', 'rm -f "$CONDUCTOR_FILE"; exit 3', 'failed'],
  ])('says the file was no longer there to be moved when its command %s it, not that it stays', (_what, command, folder) => {
    const h = home(command);
    fs.mkdirSync(path.join(h, 'kept'));
    fs.writeFileSync(path.join(h, 'in', 'a.json'), '{}');
    const result = runCli(['run', '--task', 'drain'], { home: h });
    expect(result.code).toBe(folder === 'processed' ? 0 : 8);
    const said = `the file was no longer in ${path.join(h, 'in')} to be moved (the command, or something else, moved or deleted it)`;
    const [status] = statusFiles(h, 'drain');
    expect(status?.status).toBe(folder === 'processed' ? 'SUCCESS' : 'FAILED');
    expect(status?.message).toMatch(new RegExp(`; ${said.replace(/[()/.]/g, '\\$&')}$`));
    expect(status?.message).not.toMatch(/stays|ENOENT/);
    expect(rows(h)[0]?.reason).toMatch(new RegExp(`${said.replace(/[()/.]/g, '\\$&')}$`));
    expect(fileRows(h)[0]).toMatchObject({ state: folder === 'processed' ? 'done' : 'failed', settled: 1, moved_to: null });
    expect(namesIn(path.join(h, 'in', folder))).toEqual([]);
  });

  it('runs the files of a paused task too: run --task is a run by hand', async () => {
    const h = home('cat "$CONDUCTOR_FILE" >> "$CONDUCTOR_HOME/all.txt"');
    const daemon = startDaemon(h);
    await waitFor(() => daemon.output().includes('watching the folder'), 'the daemon to watch');
    expect(runCli(['pause', '--task', 'drain'], { home: h }).code).toBe(0);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    fs.writeFileSync(path.join(h, 'in', 'f.json'), '{"n": 1}\n');
    const result = runCli(['run', '--task', 'drain'], { home: h });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drain: 1 processed, 0 failed, 0 left in place');
    expect(rows(h).map((r) => r.status)).toEqual(['success']);
  });

  it('needs no webhook secret nor API token variable of the daemon set: it serves neither', () => {
    const h = makeHome({
      tasks: [
        { name: 'drain', command: 'true', watch: { path: 'in', settle_ms: 0 } },
        { name: 'hook', command: 'true', webhook: { secret_env: 'SC_TEST_UNSET_SECRET' } },
      ],
      settings: { http: { tokens: [{ label: 'ci', env: 'SC_TEST_UNSET_TOKEN' }] } },
    });
    fs.mkdirSync(path.join(h, 'in'));
    fs.writeFileSync(path.join(h, 'in', 'a.txt'), 'x');
    const result = runCli(['run', '--task', 'drain'], { home: h, env: { SC_TEST_UNSET_SECRET: '', SC_TEST_UNSET_TOKEN: '' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drain: 1 processed, 0 failed, 0 left in place');
    // validate (as start) still refuses both.
    const checked = runCli(['validate'], { home: h, env: { SC_TEST_UNSET_SECRET: '', SC_TEST_UNSET_TOKEN: '' } });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('/tasks/1/webhook/secret_env');
    expect(checked.stderr).toContain('/settings/http/tokens/0');
  });

  it('exits 0 with no files, making the folder when it is missing', () => {
    const h = makeHome({ tasks: [{ name: 'drain', command: 'true', watch: { path: 'not/yet' } }] });
    const result = runCli(['run', '--task', 'drain'], { home: h });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drain: no files');
    expect(fs.statSync(path.join(h, 'not', 'yet')).isDirectory()).toBe(true);
  });

  it('exits 3 on SIGTERM: the run going is stopped, files not started stay in place, all UNSPECIFIED', async () => {
    const h = home('touch "$CONDUCTOR_HOME/started"; sleep 30', { workers: 1 }, { kill_grace: 1 });
    for (const n of [1, 2, 3]) fs.writeFileSync(path.join(h, 'in', `f${n}`), `${n}`);
    const child = spawnCli(['run', '--task', 'drain'], { home: h });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => fs.existsSync(path.join(h, 'started')), 'the first run to start');
    child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(3);
    expect(out).toContain('interrupted by SIGTERM; drain: 0 processed, 0 failed, 3 left in place');
    expect(namesIn(path.join(h, 'in')).map(String).sort()).toEqual(['f1', 'f2', 'f3']);
    const statuses = statusFiles(h, 'drain');
    expect(statuses.map((s) => `${s.file}:${s.status}`).sort()).toEqual(['f1:UNSPECIFIED', 'f2:UNSPECIFIED', 'f3:UNSPECIFIED']);
    expect(rows(h).find((r) => r.status !== 'queued')?.status).toBe('interrupted');
    expect(fileRows(h).every((r) => r.state === 'pending')).toBe(true);
    // The next once-mode (or daemon) runs them.
    fs.writeFileSync(path.join(h, 'config', 'conductor_config.json'), JSON.stringify({ tasks: [{ name: 'drain', command: 'true', watch: { path: 'in', settle_ms: 0 } }] }));
    const again = runCli(['run', '--task', 'drain'], { home: h });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('drain: 3 processed, 0 failed, 0 left in place');
  });

  it('exits 8 when --watch-timeout runs out, leaving what it did not finish in place', () => {
    const h = home('sleep 30', { workers: 1 }, { kill_grace: 1 });
    fs.writeFileSync(path.join(h, 'in', 'a'), 'a');
    fs.writeFileSync(path.join(h, 'in', 'b'), 'b');
    const result = runCli(['run', '--task', 'drain', '--watch-timeout', '1'], { home: h });
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('--watch-timeout 1 s reached; drain: 0 processed, 0 failed, 2 left in place');
    expect(namesIn(path.join(h, 'in')).map(String).sort()).toEqual(['a', 'b']);
  });

  it.each([
    [['--watch-timeout', '0'], '--watch-timeout takes a number of seconds above 0; got 0.'],
    [['--with-deps'], 'task "drain" watches a folder: run --task processes its files and runs no dependencies (drop --with-deps)'],
  ])('refuses %j with exit 1', (flags, message) => {
    const h = home('true');
    const result = runCli(['run', '--task', 'drain', ...flags], { home: h });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });
});

describe('run --task beside a running daemon on the same home', () => {
  it('leaves the file the daemon runs to it, takes the ones still waiting, and nothing runs twice', async () => {
    const h = home(
      `printf '%s\\0' "$CONDUCTOR_FILE_NAME" >> "$CONDUCTOR_HOME/ran.bin"; if [ "$CONDUCTOR_FILE_NAME" = slow ]; then while [ ! -e "$CONDUCTOR_HOME/release" ]; do sleep 0.05; done; fi`,
      { workers: 1 },
    );
    const daemon = startDaemon(h);
    try {
      await waitFor(() => /watching the folder/.test(daemon.output()), 'the daemon to watch');
      // Written whole, then renamed in: with settle_ms 0 a file seen half-written would be a second file.
      const drop = (name: string) => {
        fs.writeFileSync(path.join(h, 'in', `.${name}`), name);
        fs.renameSync(path.join(h, 'in', `.${name}`), path.join(h, 'in', name));
      };
      drop('slow');
      await waitFor(() => fileRows(h).some((r) => r.name.toString() === 'slow' && r.state === 'running'), 'the daemon to run slow');
      for (const name of ['x', 'y']) drop(name);
      await waitFor(() => fileRows(h).filter((r) => r.state === 'pending').length === 2, 'x and y to wait for the daemon');
      const once = runCli(['run', '--task', 'drain'], { home: h });
      expect(once.code).toBe(0);
      expect(once.stdout).toContain('drain: 2 processed, 0 failed, 0 left in place');
      expect(namesIn(path.join(h, 'in')).map(String)).toEqual(['slow']);
      fs.writeFileSync(path.join(h, 'release'), '');
      await waitFor(() => namesIn(path.join(h, 'in', 'processed')).length === 3, 'slow to finish in the daemon');
      daemon.kill('SIGTERM');
      expect((await exitOf(daemon)).code).toBe(0);
      expect(records(path.join(h, 'ran.bin')).map(String).sort()).toEqual(['slow', 'x', 'y']);
    } finally {
      daemon.kill('SIGKILL');
    }
  }, 60_000);
});

describe('run --all with a watch task', () => {
  it('does not run a watch task with no schedule (its runs are per file), and skips its dependents saying why', () => {
    const h = makeHome({
      tasks: [
        { name: 'intake', command: 'touch "$CONDUCTOR_HOME/ran-without-a-file"', watch: { path: 'in' } },
        { name: 'after', command: 'true', dependencies: ['intake'] },
        { name: 'plain', command: 'true' },
      ],
    });
    const result = runCli(['run', '--all'], { home: h });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-- after: skipped: dependency intake watches a folder (run --task intake processes its files)');
    expect(fs.existsSync(path.join(h, 'ran-without-a-file'))).toBe(false);
    expect(rows(h).map((r) => `${r.task}:${r.status}`).sort()).toEqual(['after:skipped', 'plain:success']);
  });
});

describe('the watch checks of validate and start', () => {
  it('names every file-system problem by its JSON pointer, and start refuses to start', () => {
    const h = makeHome({
      tasks: [
        { name: 'a', command: 'true', watch: { path: 'afile' } },
        { name: 'b', command: 'true', watch: { path: 'in', processed_dir: 'afile', json_schema: 'config/missing.schema.json' } },
        { name: 'c', command: 'true', watch: { path: 'in2', json_schema: 'config/broken.schema.json' } },
      ],
    });
    fs.writeFileSync(path.join(h, 'afile'), 'a file, not a folder');
    fs.writeFileSync(path.join(h, 'config', 'broken.schema.json'), '{\n  "type": \n');
    for (const args of [['validate'], ['start'], ['run', '--task', 'a']]) {
      const result = runCli(args, { home: h });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain('invalid config, 4 problems:');
      expect(result.stderr).toContain(`/tasks/0/watch/path: ${path.join(h, 'afile')} is a file, not a folder`);
      expect(result.stderr).toContain(`/tasks/1/watch/processed_dir: ${path.join(h, 'afile')} is a file, not a folder`);
      expect(result.stderr).toContain(`/tasks/1/watch/json_schema: ${path.join(h, 'config', 'missing.schema.json')}: no such file`);
      // Where the schema's JSON goes wrong, as for the config itself: file:line:column.
      expect(result.stderr).toMatch(/\/tasks\/2\/watch\/json_schema: .*broken\.schema\.json:3:1: not JSON \(/);
    }
  });

  it('refuses a watch.path that is a symbolic link to nothing, at validate, start and run --task alike', () => {
    const h = makeHome({ tasks: [{ name: 'w', command: 'true', watch: { path: 'dangling' } }] });
    fs.symlinkSync(path.join(h, 'gone'), path.join(h, 'dangling'));
    for (const args of [['validate'], ['start'], ['run', '--task', 'w']]) {
      const result = runCli(args, { home: h });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`/tasks/0/watch/path: ${path.join(h, 'dangling')} is a symbolic link to ${path.join(h, 'gone')}, which does not exist`);
    }
  });

  it('refuses a processed_dir or failed_dir that is the watched folder however it is spelled (absolute, .., a symlink)', () => {
    const h = makeHome({
      tasks: [
        { name: 'a', command: 'true', watch: { path: 'in', processed_dir: 'set below, absolute' } },
        { name: 'b', command: 'true', watch: { path: 'in2', processed_dir: 'in2/../in2' } },
        { name: 'c', command: 'true', watch: { path: 'in3', failed_dir: 'link' } },
      ],
    });
    for (const dir of ['in', 'in3']) fs.mkdirSync(path.join(h, dir));
    fs.symlinkSync('in3', path.join(h, 'link'));
    const config = JSON.parse(fs.readFileSync(path.join(h, 'config', 'conductor_config.json'), 'utf8'));
    config.tasks[0].watch.processed_dir = path.join(h, 'in');
    fs.writeFileSync(path.join(h, 'config', 'conductor_config.json'), JSON.stringify(config));
    fs.writeFileSync(path.join(h, 'in', 'precious.txt'), 'keep me');
    for (const args of [['validate'], ['run', '--task', 'a']]) {
      const result = runCli(args, { home: h });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain('invalid config, 3 problems:');
      expect(result.stderr).toContain(`/tasks/0/watch/processed_dir: ${path.join(h, 'in')} is the watched folder itself`);
      expect(result.stderr).toContain(`/tasks/1/watch/processed_dir: ${path.join(h, 'in2')} is the watched folder itself`);
      expect(result.stderr).toContain(`/tasks/2/watch/failed_dir: ${path.join(h, 'link')} is the watched folder itself`);
    }
    expect(fs.readFileSync(path.join(h, 'in', 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses at validate, as start does, a processed_dir on another file system than a watched folder not made yet', () => {
    const shm = '/dev/shm';
    if (!fs.existsSync(shm) || fs.statSync(shm).dev === fs.statSync(process.cwd()).dev) return;
    const other = fs.mkdtempSync(path.join(shm, 'conductor-xdev-'));
    try {
      const h = makeHome({ tasks: [{ name: 'a', command: 'true', watch: { path: 'not-made-yet', processed_dir: other } }] });
      if (fs.statSync(h).dev === fs.statSync(shm).dev) return;
      const result = runCli(['validate'], { home: h });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`/tasks/0/watch/processed_dir: ${other} is on another file system than ${path.join(h, 'not-made-yet')}`);
      expect(fs.existsSync(path.join(h, 'not-made-yet'))).toBe(false);
      // A failed_dir not made yet either: judged by the file system it would be made on.
      const missing = path.join(other, 'failed', 'later');
      const h2 = makeHome({ tasks: [{ name: 'b', command: 'true', watch: { path: 'in', failed_dir: missing } }] });
      const refused = runCli(['validate'], { home: h2 });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`/tasks/0/watch/failed_dir: ${missing} is on another file system than ${path.join(h2, 'in')}`);
      expect(fs.existsSync(missing)).toBe(false);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('lists them with the other errors of the config, all in one pass (and an unset webhook secret too)', () => {
    const h = makeHome({
      tasks: [
        { name: 'a', command: 'true', watch: { path: 'afile' } },
        { name: 'b', command: 'true', schedule: '61 * * * *' },
        { name: 'c', command: 'true', retries: 3 },
        { name: 'd', command: 'true', webhook: { secret_env: 'SC_TEST_UNSET_SECRET' } },
      ],
    });
    fs.writeFileSync(path.join(h, 'afile'), 'a file, not a folder');
    const result = runCli(['validate'], { home: h, env: { SC_TEST_UNSET_SECRET: '' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid config, 4 problems:');
    expect(result.stderr).toContain('/tasks/1/schedule');
    expect(result.stderr).toContain('/tasks/2/retries: unknown key');
    expect(result.stderr).toContain(`/tasks/0/watch/path: ${path.join(h, 'afile')} is a file, not a folder`);
    expect(result.stderr).toContain('/tasks/3/webhook/secret_env: the environment variable SC_TEST_UNSET_SECRET');
  });

  it.each([
    ['watch not an object', [{ name: 'a', command: 'true', watch: 5 }, { name: 'b', retries: 1 }], ['/tasks/0/watch: expected an object, got 5']],
    ['watch fields of the wrong types', [{ name: 'a', command: 'true', watch: { path: 123, json_schema: ['x'] }, webhook: 'nope' }], ['/tasks/0/watch/path: expected a string, got 123', '/tasks/0/webhook: expected an object']],
    ['tasks not an array', 'nope', ['/tasks: expected an array']],
    ['tasks null, an array, a name that is an object', [null, [], { name: { a: 1 }, command: 'true', webhook: { secret_env: 'SC_TEST_UNSET_SECRET' }, retries: 1 }], ['/tasks/0: expected an object, got null', '/tasks/2/webhook/secret_env: the environment variable SC_TEST_UNSET_SECRET']],
  ])('with the other errors, reads a malformed config without tripping: %s', (_what, tasks, expected) => {
    const h = makeHome({ tasks });
    const result = runCli(['validate'], { home: h, env: { SC_TEST_UNSET_SECRET: '' } });
    expect(result.code).toBe(1);
    for (const line of expected) expect(result.stderr).toContain(line);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses a json_schema that parses but does not compile, at validate and at start', () => {
    const h = makeHome({ tasks: [{ name: 'a', command: 'true', watch: { path: 'in', json_schema: 'config/s.json' } }] });
    fs.writeFileSync(path.join(h, 'config', 's.json'), '{"type": "no-such-type"}');
    for (const args of [['validate'], ['start']]) {
      const result = runCli(args, { home: h });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\/tasks\/0\/watch\/json_schema: not a usable JSON Schema: /);
    }
    expect(fs.existsSync(path.join(h, 'conductor.pid'))).toBe(false);
  });
});
