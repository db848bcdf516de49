// The expired-files task on a scratch repository: register, list, run (to the quarantine, like
// cleanup), prune; and the bad registries: missing, corrupt, pointing outside, through a symlink.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { abs, buildScratchRepo, diffSnapshots, FF_NAME, snapshotTree, type ScratchRepo } from '../scratchRepo.js';

let repo: ScratchRepo;
const cli = (...args: string[]) => runCli([...args, '--root', repo.root], { cwd: repo.root });
const registryPath = () => path.join(repo.root, '.cleanup_registry.json');
const writeRegistry = (entries: unknown[]) => fs.writeFileSync(registryPath(), JSON.stringify({ version: 1, entries }));
const past = new Date(Date.now() - 60_000).toISOString();

beforeEach(() => {
  repo = buildScratchRepo({ tracked: 50 });
});
afterEach(() => repo.remove());

describe('when files are registered to expire', () => {
  it('adds, lists, and on run moves only the expired ones to the quarantine and prunes them', () => {
    expect(cli('expire', 'add', 'keep/notes.md', '--in', '7d', '--reason', 'not yet').code).toBe(0);
    expect(cli('expire', 'add', 'docs/guide.md', '--at', past, '--reason', 'superseded', '--include-tracked').code).toBe(1); // unknown flag
    expect(cli('expire', 'add', 'report.bak', '--at', past, '--reason', 'old report').code).toBe(0);
    const list = JSON.parse(cli('expire', 'list', '--json').stdout);
    expect(list.entries.map((e: any) => [e.path, e.expired])).toEqual([['report.bak', true], ['keep/notes.md', false]]);
    const before = snapshotTree(repo.root);

    const dry = cli('expire', 'run', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout).counts['would move']).toBe(1);
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);

    const run = cli('expire', 'run', '--json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.counts.moved).toBe(1);
    expect(out.pruned).toEqual([{ path: 'report.bak', why: 'moved to the quarantine' }]);
    before.delete('report.bak');
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
    expect(fs.readFileSync(path.join(repo.root, '.quarantine', out.batch_id, 'files', 'report.bak'), 'utf8')).toBe('old report\n');
    const after = JSON.parse(cli('expire', 'list', '--json').stdout);
    expect(after.entries.map((e: any) => e.path)).toEqual(['keep/notes.md']);
    expect(cli('cleanup', 'restore', out.batch_id).code).toBe(0);
    expect(fs.readFileSync(path.join(repo.root, 'report.bak'), 'utf8')).toBe('old report\n');
  });

  it('prunes an entry whose file is already gone', () => {
    expect(cli('expire', 'add', 'scratch.tmp', '--at', past, '--reason', 'temp').code).toBe(0);
    fs.rmSync(path.join(repo.root, 'scratch.tmp'));
    const out = JSON.parse(cli('expire', 'run', '--json').stdout);
    expect(out.pruned).toEqual([{ path: 'scratch.tmp', why: 'file no longer exists' }]);
    expect(JSON.parse(cli('expire', 'list', '--json').stdout).entries).toEqual([]);
  });

  it('handles a non-UTF-8 name from registry to quarantine', () => {
    writeRegistry([{ path: 'x', path_b64: Buffer.from(FF_NAME, 'latin1').toString('base64'), expires_at: past, reason: 'bytes' }]);
    const out = JSON.parse(cli('expire', 'run', '--json').stdout);
    expect(out.counts.moved).toBe(1);
    expect(fs.existsSync(abs(repo.root, FF_NAME))).toBe(false);
    expect(fs.existsSync(abs(repo.root, `.quarantine/${out.batch_id}/files/${FF_NAME}`))).toBe(true);
  });

  it('unregisters a file with remove, leaving the file', () => {
    cli('expire', 'add', 'report.bak', '--in', '1d', '--reason', 'x');
    expect(cli('expire', 'remove', 'report.bak').code).toBe(0);
    expect(JSON.parse(cli('expire', 'list', '--json').stdout).entries).toEqual([]);
    expect(fs.existsSync(path.join(repo.root, 'report.bak'))).toBe(true);
  });
});

describe('when expire add is given a bad path or time', () => {
  it.each([
    ['outside the root', () => [path.join(repo.outside, 'secret.bak')], /outside the root/],
    ['through a symlink', () => ['outdir/secret.bak'], /goes through a symlink \(outdir\)/],
    ['protected', () => ['config/app.json.bak'], /protected \(config\/\)/],
    ['missing', () => ['no-such-file'], /no such file/],
    ['a folder', () => ['docs'], /folders cannot expire/],
    ['the root itself', () => [repo.root], /is the root itself, not a file in it/],
  ])('refuses a path %s with exit 1', (_name, args, message) => {
    const result = cli('expire', 'add', ...args(), '--in', '1d', '--reason', 'x');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(fs.existsSync(registryPath())).toBe(false);
  });

  it.each([
    [['--in', 'soon'], /Bad --in/],
    [['--at', 'tomorrow'], /Bad --at/],
    [[], /exactly one of --in/],
    [['--in', '1d', '--at', past], /exactly one of --in/],
  ])('refuses %j with exit 1', (flags, message) => {
    const result = cli('expire', 'add', 'report.bak', '--reason', 'x', ...(flags as string[]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

describe('when the registry is missing, corrupt or points where it must not', () => {
  it('treats a missing registry as empty (exit 0)', () => {
    const list = cli('expire', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/No registry yet/);
    const run = cli('expire', 'run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/nothing to do/);
    expect(fs.existsSync(path.join(repo.root, '.quarantine'))).toBe(false);
  });

  it.each([
    ['corrupt JSON', '{"version":1,"entries":[', /not valid JSON/],
    ['a wrong shape', '{"version":1,"entries":{}}', /\/entries: expected an array/],
    ['a bad time', JSON.stringify({ version: 1, entries: [{ path: 'report.bak', expires_at: 'someday' }] }), /\/entries\/0\/expires_at/],
    ['a path outside the root', JSON.stringify({ version: 1, entries: [{ path: '../outside/secret.bak', expires_at: new Date(0).toISOString() }] }), /\/entries\/0\/path: "..\/outside\/secret.bak" points outside the root/],
    ['an absolute path', JSON.stringify({ version: 1, entries: [{ path: 'report.bak', expires_at: new Date(0).toISOString() }, { path: '/etc/passwd', expires_at: new Date(0).toISOString() }] }), /\/entries\/1\/path/],
  ])('refuses a registry with %s (exit 1) and moves nothing', (_name, text, message) => {
    fs.writeFileSync(registryPath(), text);
    const before = snapshotTree(repo.root, { withState: true });
    for (const command of ['list', 'run']) {
      const result = cli('expire', command);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    expect(diffSnapshots(before, snapshotTree(repo.root, { withState: true }))).toEqual([]);
  });

  it('refuses an entry through a symlink (exit 8), keeps it, and moves the rest', () => {
    writeRegistry([
      { path: 'outdir/secret.bak', expires_at: past, reason: 'sneaky' },
      { path: 'report.bak', expires_at: past, reason: 'fine' },
    ]);
    const outsideBefore = snapshotTree(repo.outside);
    const result = cli('expire', 'run', '--json');
    expect(result.code).toBe(8);
    const out = JSON.parse(result.stdout);
    expect(out.results.find((r: any) => r.path === 'outdir/secret.bak')).toMatchObject({ outcome: 'refused', detail: 'goes through a symlink (outdir)' });
    expect(out.counts.moved).toBe(1);
    expect(diffSnapshots(outsideBefore, snapshotTree(repo.outside))).toEqual([]);
    expect(JSON.parse(cli('expire', 'list', '--json').stdout).entries.map((e: any) => e.path)).toEqual(['outdir/secret.bak']);
  });

  it('moves a registered symlink as a link, never its target', () => {
    writeRegistry([{ path: 'link-outside.bak', expires_at: past, reason: 'link' }]);
    const out = JSON.parse(cli('expire', 'run', '--json').stdout);
    expect(out.counts.moved).toBe(1);
    expect(fs.lstatSync(path.join(repo.root, '.quarantine', out.batch_id, 'files', 'link-outside.bak')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(repo.outside, 'secret.bak'), 'utf8')).toBe('outside secret\n');
  });
});
