// The completion scripts as each shell runs them: bash sources the script and its function is
// called with COMP_WORDS set, as bash does on <Tab>; fish answers `complete -C` for real; zsh,
// whose completion builtins only work inside a completion widget, runs the real function with
// compadd/_describe/_files/compset defined to print what they are given. Task names come from
// the built CLI on PATH, as `symphony-conductor` (the name the scripts complete).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, makeHome, runCli } from '../helpers/cli.js';

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-bin-'));
fs.symlinkSync(cliPath, path.join(bin, 'symphony-conductor'));
const PATH = `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`;
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

const home = makeHome({
  tasks: [
    { name: 'inventory_scan', command: 'true', schedule: '0 2 * * *' },
    { name: 'inventory_report', command: 'true' },
    { name: 'backup', command: 'true' },
  ],
});
const other = makeHome({ tasks: [{ name: 'elsewhere', command: 'true' }] });
const broken = makeHome('{ "tasks": [ ');
const otherConfig = path.join(other, 'config', 'conductor_config.json');

function script(shell: string): string {
  const result = runCli(['completion', shell]);
  expect(result.code, result.stderr).toBe(0);
  const file = path.join(bin, `completion.${shell}`);
  fs.writeFileSync(file, result.stdout);
  return file;
}

function has(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

/** Words typed (the last is the one being completed) -> completions (all of them, or `...` some). */
const cases: [string, string[], string[]][] = [
  ['commands at the start', [''], ['...', 'start', 'status', 'run', 'import-crontab', 'completion', 'cleanup', 'report']],
  ['commands by prefix', ['st'], ['start', 'status']],
  ['the flags of a command and the global ones', ['run', '--'], ['--task', '--with-deps', '--all', '--approved', '--json', '--watch-timeout', '--home', '--config', '--help', '--version']],
  ['task names of the config in the current directory', ['run', '--task', ''], ['backup', 'inventory_report', 'inventory_scan']],
  ['task names by prefix, after the short flag', ['logs', '-t', 'inv'], ['inventory_report', 'inventory_scan']],
  ['task names of the config named by --config', ['--config', otherConfig, 'next', '--task', ''], ['elsewhere']],
  ['task names of the home named by --home', ['--home', other, 'history', '--task', ''], ['elsewhere']],
  ['no task names when the config does not load', ['--home', broken, 'run', '--task', ''], []],
  ['subcommands', ['cleanup', ''], ['analyze', 'execute', 'restore', 'purge', 'batches']],
  ["a subcommand's flags", ['expire', 'run', '--dr'], ['--dry-run']],
  ['the choices of a flag', ['graph', '--format', ''], ['text', 'mermaid', 'dot']],
  ['the choices of a positional argument', ['completion', ''], ['bash', 'zsh', 'fish']],
  ['nothing for a value that is no file (a time)', ['next', '--from', ''], []],
];

const sorted = (words: string[]) => [...new Set(words)].sort();

function expectOffers(got: string[], expected: string[]): void {
  if (expected[0] === '...') expect(sorted(got)).toEqual(expect.arrayContaining(sorted(expected.slice(1))));
  else expect(sorted(got)).toEqual(sorted(expected));
}

describe('completion bash, sourced in bash', () => {
  const file = script('bash');

  function complete(words: string[]): string[] {
    const line = ['symphony-conductor', ...words];
    const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _symphony_conductor; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', program, 'bash', file, ...line], { cwd: home, encoding: 'utf8', env: { ...process.env, PATH } });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter((w) => w !== '');
  }

  it.each(cases)('offers %s', (_label, words, expected) => {
    expectOffers(complete(words), expected);
  });

  it('offers task names after --task= (bash splits the = into a word of its own)', () => {
    expect(sorted(complete(['run', '--task', '=', 'b']))).toEqual(['backup']);
  });

  it('offers files for a crontab', () => {
    fs.writeFileSync(path.join(home, 'my.cron'), '');
    expect(complete(['import-crontab', 'my.c'])).toEqual(['my.cron']);
  });

  it('registers the function for the program', () => {
    const result = spawnSync('bash', ['-c', 'source "$1"; complete -p symphony-conductor', 'bash', file], { encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('complete -F _symphony_conductor symphony-conductor');
  });
});

describe('completion fish, loaded in fish (skipped where fish is not installed)', () => {
  const present = has('fish');

  function complete(words: string[]): string[] {
    const file = script('fish');
    const line = ['symphony-conductor', ...words].map((w) => (w === '' ? '' : w)).join(' ');
    const result = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, line], { cwd: home, encoding: 'utf8', env: { ...process.env, PATH } });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter((w) => w !== '').map((w) => w.split('\t')[0] as string);
  }

  it.skipIf(!present).each(cases)('offers %s', (_label, words, expected) => {
    expectOffers(complete(words), expected);
  });

  it.skipIf(!present)('offers --task=NAME for --task=', () => {
    expect(sorted(complete(['run', '--task=inv']))).toEqual(['--task=inventory_report', '--task=inventory_scan']);
  });

  it.skipIf(!present)('describes commands', () => {
    const file = script('fish');
    const result = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C "symphony-conductor import-c"', file], { encoding: 'utf8', env: { ...process.env, PATH } });
    expect(result.stdout).toMatch(/^import-crontab\tTurn a crontab into config tasks/m);
  });
});

describe('completion zsh, in zsh (skipped where zsh is not installed)', () => {
  const present = has('zsh');
  // compadd, _describe, _files and compset work only inside a completion widget: here they
  // print what they were given, one candidate a line.
  const stubs = [
    'compadd() { local -a arr; while (( $# )); do case $1 in (-a) shift; arr+=(${(P)1}) ;; (--) ;; (-*) ;; (*) arr+=($1) ;; esac; shift; done; print -l -- $arr; }',
    '_describe() { print -l -- ${${(P)${@[-1]}}%%:*}; }',
    '_files() { print -l -- ${PREFIX}*(N${@[(I)-/]:+/}); }',
    'compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*=}; }',
    'compdef() { :; }',
  ].join('\n');

  function complete(words: string[]): string[] {
    const file = script('zsh');
    const program = `${stubs}\nsource "$1"; shift; words=("$@"); CURRENT=$#; PREFIX=\${words[CURRENT]}; _symphony_conductor`;
    const result = spawnSync('zsh', ['-f', '-c', program, 'zsh', file, 'symphony-conductor', ...words], { cwd: home, encoding: 'utf8', env: { ...process.env, PATH } });
    expect(result.stderr).toBe('');
    const prefix = words[words.length - 1]?.replace(/^-[^=]*=/, '') ?? '';
    return result.stdout.split('\n').filter((w) => w !== '' && w.startsWith(prefix));
  }

  it.skipIf(!present).each(cases)('offers %s', (_label, words, expected) => {
    expectOffers(complete(words), expected);
  });

  it.skipIf(!present)('offers task names for --task=', () => {
    expect(sorted(complete(['run', '--task=inv']))).toEqual(['inventory_report', 'inventory_scan']);
  });

  it.skipIf(!present)('lists task names on <Tab> in an interactive zsh with compinit', () => {
    // A real zsh on a pseudo-terminal (zpty); each read waits for the text it expects.
    const program = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      `zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -u -D; source "${script('zsh')}"; print READY'`,
      "zpty -r z out '*READY*'",
      "zpty -wn z $'symphony-conductor logs --task inv\\t\\t'",
      "zpty -r z out '*inventory_scan*'",
      'print -r -- "$out"',
    ].join('\n');
    const result = spawnSync('zsh', ['-f', '-c', program], { cwd: home, encoding: 'utf8', env: { ...process.env, PATH }, timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/inventory_report/);
    expect(result.stdout).toMatch(/inventory_scan/);
    expect(result.stdout).not.toMatch(/backup/);
  });

  it.skipIf(!present)('parses as a zsh script', () => {
    expect(spawnSync('zsh', ['-n', script('zsh')]).status).toBe(0);
  });
});

describe('completion --list-tasks', () => {
  it('prints the task names, one a line', () => {
    const result = runCli(['completion', '--list-tasks'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('inventory_scan\ninventory_report\nbackup\n');
  });

  it('prints nothing, and no error, when the config does not load', () => {
    expect(runCli(['completion', '--list-tasks'], { home: broken })).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(runCli(['completion', '--list-tasks'], { home: makeHome() })).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('is not offered as a flag', () => {
    expect(script('bash')).not.toMatch(/list-tasks/);
  });
});

describe('completion, used wrongly', () => {
  it.each([
    ['no shell', ['completion'], /name a shell: bash, zsh or fish/],
    ['an unknown shell', ['completion', 'ksh'], /Given: "ksh", Choices: "bash", "zsh", "fish"/],
  ])('refuses %s with exit 1', (_label, args, message) => {
    const result = runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
