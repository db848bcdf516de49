// git-maintenance on real repositories: done, skipped (not a repository, busy, outside the
// root), failed (exit 8), timed out and interrupted (git's whole group stopped); and the pure
// lock and count-objects readers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeGitLocks, type LockFile } from '../../../src/maintenance/git/gitLocks.js';
import { parseCountObjects } from '../../../src/maintenance/git/countObjects.js';
import { repoRoot, runCli, spawnCli } from '../../helpers/cli.js';
import { exitOf, processAlive, waitFor } from '../../helpers/wait.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix = 'conductor-git-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
}

/** A repository with a few commits and only loose objects. */
function makeRepo(): string {
  const root = tempDir();
  git(root, 'init', '-q');
  for (let i = 0; i < 5; i += 1) {
    fs.writeFileSync(path.join(root, `file${i}.txt`), `content ${i}\n`.repeat(100));
    git(root, 'add', '.');
    git(root, 'commit', '-qm', `commit ${i}`);
  }
  return root;
}

const maintain = (root: string, ...args: string[]) => runCli(['git-maintenance', '--root', root, ...args], { cwd: root });

describe('git-maintenance on a repository', () => {
  it('runs gc and prune, packs the loose objects and reports the sizes', () => {
    const root = makeRepo();
    const result = maintain(root, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ root, status: 'done', reason: null, aggressive: false, git_dir: path.join(root, '.git'), stale_locks: [], interrupted_by: null });
    expect(out.steps.map((s: { command: string; ok: boolean }) => [s.command, s.ok])).toEqual([
      ['git gc --prune=now', true],
      ['git prune', true],
    ]);
    expect(out.size_before.loose_objects).toBeGreaterThan(10);
    expect(out.size_after).toMatchObject({ loose_objects: 0, packs: 1 });
    expect(out.freed_bytes).toBe(out.size_before.total_bytes - out.size_after.total_bytes);
    expect(git(root, 'count-objects', '-v')).toMatch(/^count: 0$/m);
    expect(git(root, 'log', '--oneline').trim().split('\n')).toHaveLength(5);
  });

  it('adds --aggressive only when asked, and says so', () => {
    const root = makeRepo();
    const result = maintain(root, '--aggressive');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(aggressive)');
    expect(result.stdout).toContain('git gc --prune=now --aggressive: ok');
  });

  it('exits 8 with git\'s own message when git fails', () => {
    const root = makeRepo();
    const blob = git(root, 'rev-parse', 'HEAD:file0.txt').trim();
    fs.rmSync(path.join(root, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const result = maintain(root);
    expect(result.code).toBe(8);
    expect(result.stdout).toMatch(/failed: git gc --prune=now failed with exit code \d+/);
    expect(result.stdout).toContain(blob);
  });
});

describe('git-maintenance skips, exit 0, with the reason', () => {
  it('when the root is not a repository', () => {
    const root = tempDir();
    const result = maintain(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`git maintenance of ${root} skipped: not a git repository (${root} has no .git)\n`);
  });

  it('when the root is only a folder inside a repository (the parent is outside the root)', () => {
    const repo = makeRepo();
    const sub = path.join(repo, 'sub');
    fs.mkdirSync(sub);
    const result = runCli(['git-maintenance', '--root', sub, '--json'], { cwd: sub });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'skipped', reason: `not a git repository (${sub} has no .git)`, steps: [] });
  });

  it('when .git is a worktree link whose repository lives outside the root', () => {
    const repo = makeRepo();
    const outside = tempDir();
    const tree = path.join(outside, 'wt');
    git(repo, 'worktree', 'add', '-q', tree);
    const result = runCli(['git-maintenance', '--root', tree], { cwd: tree });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`its git directory ${path.join(repo, '.git')} is outside the root`);
  });

  it('when git gc of a live process holds .git/gc.pid', () => {
    const root = makeRepo();
    fs.writeFileSync(path.join(root, '.git', 'gc.pid'), `${process.pid} ${os.hostname()}`);
    const result = maintain(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`skipped: another git process holds the lock (.git/gc.pid: git gc pid ${process.pid} is running)`);
    expect(git(root, 'count-objects', '-v')).not.toMatch(/^count: 0$/m);
  });

  it('when a fresh .git/index.lock says a commit is under way', () => {
    const root = makeRepo();
    fs.writeFileSync(path.join(root, '.git', 'index.lock'), '');
    const result = maintain(root, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).reason).toMatch(/^another git process holds the lock \(\.git\/index\.lock, \d+s old\)$/);
  });

  it('but goes on past a gc.pid whose process is gone, and past an old index.lock, naming it', () => {
    const root = makeRepo();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(root, '.git', 'gc.pid'), `${dead} ${os.hostname()}`);
    const lock = path.join(root, '.git', 'index.lock');
    fs.writeFileSync(lock, '');
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000);
    fs.utimesSync(lock, threeHoursAgo, threeHoursAgo);
    const result = maintain(root, '--json');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.status).toBe('done');
    expect(out.stale_locks).toEqual([expect.stringMatching(/^\.git\/gc\.pid \(\d+s old\)$/), '.git/index.lock (3h old)']);
    expect(fs.existsSync(lock)).toBe(true);
  });
});

describe('git-maintenance with a slow git', () => {
  /** A `git` first on PATH that hangs in gc (with a child of its own) and is the real git otherwise. */
  function slowGit(): { env: Record<string, string>; pidFile: string } {
    const bin = tempDir('conductor-fakegit-');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const pidFile = path.join(bin, 'sleep.pid');
    fs.writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = gc ]; then sleep 60 & echo $! > "${pidFile}"; wait; exit 0; fi\ndone\nexec "${realGit}" "$@"\n`,
      { mode: 0o755 },
    );
    return { env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, pidFile };
  }

  it('stops git and what it started at --timeout, and exits 8', () => {
    const root = makeRepo();
    const { env, pidFile } = slowGit();
    const result = runCli(['git-maintenance', '--root', root, '--timeout', '2s', '--json'], { cwd: root, env });
    expect(result.code).toBe(8);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ status: 'failed', reason: 'git gc --prune=now timed out (--timeout 2s for all git commands)' });
    expect(out.steps[0]).toMatchObject({ timed_out: true, ok: false });
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(processAlive(sleeper)).toBe(false);
  });

  it('passes SIGTERM on to git\'s group and exits 3', async () => {
    const root = makeRepo();
    const { env, pidFile } = slowGit();
    const child = spawnCli(['git-maintenance', '--root', root], { env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 'the slow gc to start');
    child.kill('SIGTERM');
    const exit = await exitOf(child);
    expect(exit.code).toBe(3);
    expect(stdout).toContain('failed: git gc --prune=now was stopped: we received SIGTERM');
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitFor(() => !processAlive(sleeper), 'the child of git to be gone', 5_000);
  });
});

describe('git-maintenance input errors (exit 1)', () => {
  it('refuses a root that does not exist', () => {
    const result = runCli(['git-maintenance', '--root', '/nonexistent/conductor-root']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Root /nonexistent/conductor-root does not exist');
    expect(result.stdout).toBe('');
  });

  it('refuses a bad --timeout', () => {
    const root = tempDir();
    const result = maintain(root, '--timeout', 'forever');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Bad --timeout: "forever"');
  });

  it('has --help with examples', () => {
    const result = runCli(['git-maintenance', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--aggressive');
    expect(result.stdout).toContain('Examples:');
  });
});

describe('scripts/git_maintenance.sh', () => {
  it('runs git-maintenance on the current folder as home', () => {
    const root = makeRepo();
    const result = spawnSync(path.join(repoRoot, 'scripts', 'git_maintenance.sh'), ['--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, CONDUCTOR_HOME: '' } });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ root, status: 'done' });
  });
});

describe('judgeGitLocks', () => {
  const now = Date.parse('2025-06-02T10:00:00Z');
  const ctx = { now, hostname: 'here', isAlive: (pid: number) => pid === 42 };
  const lock = (name: string, minutesOld: number, content: string | null = null): LockFile => ({ name, mtimeMs: now - minutesOld * 60_000, content });

  it.each([
    ['no lock files', [], null, []],
    ['a running gc here', [lock('gc.pid', 600, '42 here')], '.git/gc.pid: git gc pid 42 is running', []],
    ['a dead gc here', [lock('gc.pid', 1, '43 here')], null, ['.git/gc.pid (60s old)']],
    ['a gc on another host, recent', [lock('gc.pid', 60, '7 there')], '.git/gc.pid: git gc pid 7 on there, 60m old', []],
    ['a gc on another host, 13 hours old', [lock('gc.pid', 780, '7 there')], null, ['.git/gc.pid (13h old)']],
    ['an unreadable gc.pid, recent', [lock('gc.pid', 5, 'garbage')], '.git/gc.pid, 5m old', []],
    ['a fresh index.lock', [lock('index.lock', 10)], '.git/index.lock, 10m old', []],
    ['an old index.lock', [lock('index.lock', 120)], null, ['.git/index.lock (2h old)']],
    ['an old and a fresh lock', [lock('index.lock', 120), lock('packed-refs.lock', 0)], '.git/packed-refs.lock, 0s old', ['.git/index.lock (2h old)']],
  ])('with %s', (_label, locks, held, stale) => {
    expect(judgeGitLocks(locks as LockFile[], ctx)).toEqual({ held, stale });
  });
});

describe('parseCountObjects', () => {
  it('reads count-objects -v into bytes', () => {
    const text = 'count: 12\nsize: 48\nin-pack: 300\npacks: 2\nsize-pack: 1024\nprune-packable: 0\ngarbage: 1\nsize-garbage: 4\n';
    expect(parseCountObjects(text)).toEqual({
      loose_objects: 12,
      loose_bytes: 48 * 1024,
      packed_objects: 300,
      packs: 2,
      pack_bytes: 1024 * 1024,
      garbage_bytes: 4096,
      total_bytes: (48 + 1024 + 4) * 1024,
    });
  });

  it('gives null when a line is missing', () => {
    expect(parseCountObjects('count: 1\nsize: 4\n')).toBeNull();
  });
});
