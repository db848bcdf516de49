// Output piped into a reader that stops early (`| head -n 1`): a command that only prints exits
// quietly with 0; one that does work (run) finishes it with its output discarded (issue 9, item 11).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, makeHome, runCli } from '../helpers/cli.js';
import { rows } from '../helpers/wait.js';

const TASKS = 3000;

/** A disabled task and 3,000 scheduled dependents: `run --all` records 3,000 skipped rows without a process each. */
function manyTasks() {
  const tasks: object[] = [
    { name: 'off', command: 'true', enabled: false },
    { name: 'chatty', command: 'seq 1 200000' },
  ];
  for (let i = 0; i < TASKS; i++) tasks.push({ name: `t${i}`, command: 'true', schedule: '0 2 * * *', dependencies: ['off'] });
  return { tasks };
}

/** Runs the CLI with stdout into `head -n 1` through a real pipe; the CLI's own exit code and stderr. */
function intoHead(home: string, args: string[]) {
  const quoted = ['--home', home, ...args].map((a) => `'${a}'`).join(' ');
  const script = `"${process.execPath}" "${cliPath}" ${quoted} 2>"$ERR" | head -n 1; exit "\${PIPESTATUS[0]}"`;
  const err = path.join(home, 'stderr.txt');
  const result = spawnSync('bash', ['-c', script], { env: { ...process.env, ERR: err }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: fs.readFileSync(err, 'utf8') };
}

describe('a printing command piped into head -n 1', () => {
  let home: string;
  beforeAll(() => {
    home = makeHome(manyTasks());
    expect(runCli(['run', '--all'], { home }).code).toBe(0);
    expect(rows(home).length).toBe(TASKS + 1);
  });

  it.each([
    ['history', ['history', '--limit', '5000']],
    ['history --json', ['history', '--limit', '5000', '--json']],
    ['status', ['status']],
    ['graph', ['graph']],
    ['next', ['next']],
    ['logs', ['logs', '--task', 'chatty']],
  ])('%s prints its first line and exits 0 without a word on stderr', (_label, args) => {
    const result = intoHead(home, args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').length).toBe(2);
  });
});

describe('a printing command whose output cannot be written', () => {
  it.skipIf(!fs.existsSync('/dev/full'))('says so in one line on stderr and exits 1 (graph > /dev/full)', () => {
    const home = makeHome(manyTasks());
    const script = `"${process.execPath}" "${cliPath}" --home '${home}' graph > /dev/full`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('symphony-conductor: cannot write to standard output: ENOSPC: no space left on device, write\n');
    expect(result.status).toBe(1);
  });
});

describe('run --all piped into head -n 1', () => {
  it('runs and records every task, then exits with the run result', () => {
    const home = makeHome(manyTasks());
    const result = intoHead(home, ['run', '--all']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(rows(home).length).toBe(TASKS + 1);
    expect(fs.readFileSync(path.join(home, 'logs/automation/chatty.log'), 'utf8')).toContain('\n200000\n');
  });
});

describe('logs of a 200 MB run piped into a reader that takes 100 bytes and goes away', () => {
  const SIZE = 200 * 1024 * 1024;
  let home: string;
  beforeAll(() => {
    home = makeHome({ tasks: [{ name: 'huge', command: `yes 'a line of a task that prints far more than anyone reads' | head -c ${SIZE}` }] });
    expect(runCli(['run', '--task', 'huge'], { home }).code).toBe(0);
    expect(fs.statSync(path.join(home, 'logs/automation/huge.log')).size).toBeGreaterThan(SIZE);
  });

  it('exits 0 at once, quietly, its peak memory far below the size of the log', () => {
    // The kernel's peak resident size of the CLI, written as it exits (the EPIPE exit included).
    const peak = path.join(home, 'peak.txt');
    const hook = path.join(home, 'peak.cjs');
    fs.writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(peak)}, String(process.resourceUsage().maxRSS)));\n`);
    const script = `"${process.execPath}" "${cliPath}" --home '${home}' logs --task huge 2>"$ERR" | head -c 100 >"$OUT"; exit "\${PIPESTATUS[0]}"`;
    const err = path.join(home, 'stderr.txt');
    const out = path.join(home, 'stdout.txt');
    const result = spawnSync('bash', ['-c', script], { env: { ...process.env, ERR: err, OUT: out, NODE_OPTIONS: `--require=${hook}` }, timeout: 30_000 });
    expect({ code: result.status, signal: result.signal, stderr: fs.readFileSync(err, 'utf8') }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^=== symphony-conductor run=/);
    expect(Number(fs.readFileSync(peak, 'utf8')) / 1024).toBeLessThan(150); // MiB; the log is 200
  });

  it('read to its end through a pipe, prints the run byte for byte', () => {
    const script = `"${process.execPath}" "${cliPath}" --home '${home}' logs --task huge | sha256sum; sha256sum <'${path.join(home, 'logs/automation/huge.log')}'`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    const [printed, file] = result.stdout.trim().split('\n').map((line) => line.split(' ')[0]);
    expect(printed).toBe(file);
  });
});
