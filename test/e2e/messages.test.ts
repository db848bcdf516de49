// Every refusal is a clear message with exit 1 that names what is wrong and where: never an
// "internal error", never a stack trace, never a hang (issue 9, item 19).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import { rows } from '../helpers/wait.js';

const clean = (text: string) => expect(text).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);

describe('validate, when an env key cannot be an environment variable name', () => {
  it.each([
    ['with "="', { 'A=B': 'c' }, /\/tasks\/0\/env\/A=B: "A=B" is not a valid environment variable name \(it cannot hold "="\)/],
    ['empty', { '': 'c' }, /\/tasks\/0\/env\/: an environment variable name must not be empty/],
    ['with a NUL byte', { 'A\u0000B': 'c' }, /\/tasks\/0\/env: "A\\u0000B" is not a valid environment variable name \(it cannot hold a NUL byte\)/],
  ])('refuses a name %s with its JSON pointer, and nothing runs', (_label, env, expected) => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'echo ran > ran.txt', env }] });
    const result = runCli(['validate'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    clean(result.stderr);
    const run = runCli(['run', '--task', 'a'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(fs.existsSync(path.join(home, 'ran.txt'))).toBe(false);
  });
});

describe('usage errors', () => {
  const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: '0 2 * * *' }] });
  it.each([
    [['history', '--limit', '0'], '--limit takes a whole number from 1 to 1000000; got 0.'],
    [['history', '--limit', '1.5'], '--limit takes a whole number from 1 to 1000000; got 1.5.'],
    [['history', '--limit', 'many'], '--limit takes a whole number from 1 to 1000000; got "many".'],
    [['history', '-n', 'many'], '--limit takes a whole number from 1 to 1000000; got "many".'],
    [['next', '-n', 'abc'], '-n takes a whole number from 1 to 10000; got "abc".'],
    [['next', '-n=abc'], '-n takes a whole number from 1 to 10000; got "abc".'],
    [['simulate', '--days', 'abc'], '--days takes a number of days above 0 and at most 3660; got "abc".'],
    [['simulate', '--days=abc'], '--days takes a number of days above 0 and at most 3660; got "abc".'],
    [['simulate', '--days', '0'], '--days takes a number of days above 0 and at most 3660; got 0.'],
    [['run', '--task', 'a', '--watch-timeout', 'soon'], '--watch-timeout takes a number of seconds above 0; got "soon".'],
    [['audit', '--limit', 'all'], '--limit takes a whole number from 1 to 100000; got "all".'],
    [['history', '--limit', '1e20'], '--limit takes a whole number from 1 to 1000000; got 100000000000000000000.'],
    [['history', '--limit'], 'Not enough arguments following: limit'],
    [['history', '--limit='], '--limit takes a whole number from 1 to 1000000; got nothing.'],
    [['history', '--limit', ''], '--limit takes a whole number from 1 to 1000000; got nothing.'],
    [['history', '--task='], '--task needs a value.'],
    [['history', '-n', '3', '-n', '4'], '--limit was given 2 times; give it once.'],
    [['next', '-n', '10000000'], '-n takes a whole number from 1 to 10000; got 10000000.'],
    [['next', '-n', '0'], '-n takes a whole number from 1 to 10000; got 0.'],
    [['next', '--from='], '--from needs a value.'],
    [['run'], 'Name a task with --task NAME, or use --all.'],
    [['run', '--task'], 'Not enough arguments following: task'],
    [['run', '--task', 'a', '--task', 'b'], '--task was given 2 times; give it once.'],
    [['run', '--all', '--with-deps'], '--with-deps goes with --task.'],
    [['logs', '--task', 'a', '--run='], '--run needs a value.'],
    [['status', '--home'], 'Not enough arguments following: home'],
    [['graph', '--format'], 'Not enough arguments following: format'],
    [['graph', '-f'], 'Not enough arguments following: f'],
    [['import-crontab', 'crontab.txt', '--output'], 'Not enough arguments following: output'],
    [['import-crontab', 'crontab.txt', '-o'], 'Not enough arguments following: o'],
    [['import-crontab', 'crontab.txt', '--output='], '--output needs a value.'],
    [['report', '--format'], 'Not enough arguments following: format'],
    [['health-check', '--root'], 'Not enough arguments following: root'],
    [['validate', '--config='], '--config needs a value.'],
    // a maintenance command's path or age given empty: inventory --root= scanned the current directory
    [['inventory', '--root='], '--root needs a value.'],
    [['cleanup', 'execute', '--root='], '--root needs a value.'],
    [['report', '--since='], '--since needs a value.'],
    [['health-check', '--temp-age='], '--temp-age needs a value.'],
  ])('%j is a usage message with exit 1, not an internal error', (args, message) => {
    const result = runCli(args, { home });
    expect(result.stderr).toBe(`symphony-conductor: ${message}\nRun with --help for usage.\n`);
    expect(result.code).toBe(1);
  });

  it.each([
    [['run', '--task', 'a', '--watch-timeout', '5'], 'task "a"'],
    [['run', '--all', '--watch-timeout', '5'], 'run --all'],
  ])('%j refuses once-mode\'s bound where there is no once-mode (it would be silently ignored), exit 1', (args, what) => {
    const result = runCli(args, { home });
    expect(result.stderr).toBe(`symphony-conductor: --watch-timeout goes with run --task of a watch task (one with "watch"); ${what} does not watch a folder\n`);
    expect(result.code).toBe(1);
    expect(rows(home)).toEqual([]);
  });

  it('next -n 10000 is still allowed, and prints that many fires', () => {
    const result = runCli(['next', '--task', 'a', '-n', '10000'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').length).toBe(10_000);
  });
});

describe('a damaged history database', () => {
  function homeWithHistory() {
    // 300 dependents of a disabled task: 300 skipped rows, several pages, no process each.
    const dependents = Array.from({ length: 300 }, (_, i) => ({ name: `t${i}`, command: 'true', dependencies: ['off'] }));
    const home = makeHome({ tasks: [{ name: 'off', command: 'true', enabled: false }, ...dependents] });
    expect(runCli(['run', '--all'], { home }).code).toBe(0);
    return { home, db: path.join(home, 'status/conductor.db') };
  }

  it('is named, with what to do, when the damage shows on open', () => {
    const { home, db } = homeWithHistory();
    fs.writeFileSync(db, Buffer.alloc(8192, 0x5a));
    for (const command of ['history', 'status']) {
      const result = runCli([command], { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`symphony-conductor: ${db}: history database: file is not a database (the file is damaged or not a history database; move it aside to start a new history)\n`);
    }
  });

  it('is named when the damage shows only in a query', () => {
    const { home, db } = homeWithHistory();
    const bytes = fs.readFileSync(db);
    bytes.fill(0xa5, bytes.readUInt16BE(16)); // every page but the first, which holds the schema
    fs.writeFileSync(db, bytes);
    for (const command of ['history', 'status']) {
      const result = runCli([command], { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`symphony-conductor: ${db}: history database: database disk image is malformed (the file is damaged or not a history database; move it aside to start a new history)\n`);
      clean(result.stderr);
    }
  });
});
