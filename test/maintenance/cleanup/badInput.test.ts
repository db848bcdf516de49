// Bad input and hostile conditions for the cleanup: corrupt or foreign inventories, files that
// vanish or change after the scan, a symlink swapped into a path, odd names, read-only files,
// a quarantine that cannot be written (or a full disk). Nothing is ever lost.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { abs, buildScratchRepo, diffSnapshots, FF_NAME, NEWLINE_NAME, SPACE_NAME, snapshotTree, without, type ScratchRepo } from '../scratchRepo.js';

const isRoot = process.getuid?.() === 0;
/** Whether this machine lets the tests mount a small tmpfs (root with CAP_SYS_ADMIN). */
const canMount = ((): boolean => {
  if (!isRoot) return false;
  const probe = fs.mkdtempSync('/tmp/conductor-mount-probe-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' }).status === 0;
  if (ok) spawnSync('umount', [probe]);
  fs.rmdirSync(probe);
  return ok;
})();
const fromJson = (item: { path: string; path_b64?: string }): string =>
  item.path_b64 ? Buffer.from(item.path_b64, 'base64').toString('latin1') : Buffer.from(item.path, 'utf8').toString('latin1');

let repo: ScratchRepo;
const cli = (...args: string[]) => runCli([...args, '--root', repo.root], { cwd: repo.root });
const inventoryPath = () => path.join(repo.root, 'cleanup_inventory.json');
const execute = (...extra: string[]) => {
  const result = cli('cleanup', 'execute', '--execute', '--json', ...extra);
  return { ...result, out: result.stdout ? JSON.parse(result.stdout) : null };
};
const outcomeOf = (out: any, rel: string) => out.results.find((r: any) => fromJson(r) === rel);

beforeEach(() => {
  repo = buildScratchRepo({ tracked: 200, bigBytes: 2 * 1024 * 1024 });
  expect(cli('inventory', '--large-size', '1M').code).toBe(0);
});
afterEach(() => {
  if (repo) {
    spawnSync('umount', [path.join(repo.root, '.quarantine')], { stdio: 'ignore' });
    spawnSync('chmod', ['-R', 'u+w', repo.base]);
    repo.remove();
  }
});

describe('when the inventory is missing, corrupt, invalid or made for another root', () => {
  it.each([
    ['missing', () => fs.rmSync(inventoryPath()), /does not exist; run `symphony-conductor inventory` first/],
    ['half-written', () => fs.writeFileSync(inventoryPath(), fs.readFileSync(inventoryPath(), 'utf8').slice(0, 500)), /not valid JSON/],
    ['pointing outside the root', () => fs.writeFileSync(inventoryPath(), JSON.stringify({ version: 1, root: repo.root, generated_at: new Date().toISOString(), files: [{ path: '../outside/secret.bak', size: 15, mtime: new Date(0).toISOString(), mode: '0644', kind: 'file', git: 'untracked', reasons: ['backup file'] }] })), /\/files\/0\/path: points outside the root/],
    ['malformed', () => fs.writeFileSync(inventoryPath(), JSON.stringify({ version: 1, root: repo.root, generated_at: 'x', files: [{ path: 'a', size: -1 }] })), /\/files\/0\/size: expected a byte count/],
    ['made for another root', () => fs.writeFileSync(inventoryPath(), fs.readFileSync(inventoryPath(), 'utf8').replace(`"root": ${JSON.stringify(repo.root)}`, '"root": "/elsewhere"')), /was made for \/elsewhere/],
  ])('refuses an inventory that is %s, with exit 1, moving nothing', (_name, spoil, message) => {
    spoil();
    const before = snapshotTree(repo.root);
    for (const command of [['cleanup', 'analyze'], ['cleanup', 'execute', '--execute']]) {
      const result = cli(...command);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });

  it('refuses an inventory path outside the root', () => {
    const result = cli('cleanup', 'analyze', '--inventory', path.join(repo.outside, 'x.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--inventory must name a file inside the root/);
  });
});

describe('when files change between the scan and the cleanup', () => {
  it('skips a file that vanished and moves the others', () => {
    fs.rmSync(path.join(repo.root, 'report.bak'));
    const { code, out } = execute();
    expect(code).toBe(0);
    expect(outcomeOf(out, 'report.bak')).toMatchObject({ outcome: 'skipped', detail: 'vanished since the scan' });
    expect(out.counts.moved).toBe(repo.candidates.length - 1);
    expect(fs.readFileSync(path.join(repo.root, 'cleanup_actions.log'), 'utf8')).toMatch(/cleanup-check skipped "report.bak" vanished/);
  });

  it('skips a file whose size or time changed since the scan', () => {
    fs.appendFileSync(path.join(repo.root, 'scratch.tmp'), 'now in use\n');
    const { out } = execute();
    expect(outcomeOf(out, 'scratch.tmp').outcome).toBe('skipped');
    expect(fs.readFileSync(path.join(repo.root, 'scratch.tmp'), 'utf8')).toBe('temp\nnow in use\n');
  });

  it('skips a duplicate whose original is gone or no longer identical', () => {
    fs.rmSync(path.join(repo.root, 'docs/readme.md'));
    fs.writeFileSync(path.join(repo.root, 'dups/a-older.txt'), 'edited\n');
    const { out } = execute();
    expect(outcomeOf(out, 'copy of readme.md')).toMatchObject({ outcome: 'skipped', detail: 'its original docs/readme.md is gone' });
    expect(outcomeOf(out, 'dups/b-newer.txt')).toMatchObject({ outcome: 'skipped', detail: 'no longer identical to dups/a-older.txt' });
    expect(fs.existsSync(path.join(repo.root, 'copy of readme.md'))).toBe(true);
  });

  it('refuses a path whose folder became a symlink out of the root, touching nothing outside', () => {
    // data/report.orig -> the folder is replaced by a link to a look-alike outside the root.
    const decoy = path.join(repo.outside, 'data');
    fs.mkdirSync(decoy);
    fs.copyFileSync(path.join(repo.root, 'data/report.orig'), path.join(decoy, 'report.orig'));
    const stat = fs.statSync(path.join(repo.root, 'data/report.orig'));
    fs.utimesSync(path.join(decoy, 'report.orig'), stat.atime, stat.mtime);
    fs.rmSync(path.join(repo.root, 'data'), { recursive: true });
    fs.symlinkSync(decoy, path.join(repo.root, 'data'));
    const outsideBefore = snapshotTree(repo.base + '/outside');
    const { code, out } = execute();
    expect(code).toBe(0);
    expect(outcomeOf(out, 'data/report.orig')).toMatchObject({ outcome: 'refused', detail: 'goes through a symlink (data)' });
    expect(diffSnapshots(outsideBefore, snapshotTree(repo.outside))).toEqual([]);
  });

  it('refuses a file that became tracked, unless --include-tracked', () => {
    execFileSync('git', ['add', 'report.bak'], { cwd: repo.root });
    expect(outcomeOf(execute('--max-deletions', '100').out, 'report.bak')).toMatchObject({ outcome: 'refused', detail: 'tracked by git (use --include-tracked)' });
  });
});

describe('when the policy protects files', () => {
  it('never touches files matching --protect or .cleanup_protect', () => {
    fs.writeFileSync(path.join(repo.root, '.cleanup_protect'), '# ours\ndata/\n');
    const { out } = execute('--protect', '*.tmp');
    const moved = out.results.filter((r: any) => r.outcome === 'moved').map(fromJson);
    expect(moved.some((p: string) => p.endsWith('.tmp') || p.startsWith('data/'))).toBe(false);
    expect(moved.length).toBeGreaterThan(0);
  });

  it('moves tracked candidates only with --include-tracked, and still never protected ones', () => {
    expect(cli('inventory').code).toBe(0);
    const { out } = execute('--include-tracked', '--max-deletions', '100');
    const moved = out.results.filter((r: any) => r.outcome === 'moved').map(fromJson);
    expect(moved).toContain('tracked.bak');
    expect(moved).not.toContain('src/old.bak');
  });
});

describe('when names hold spaces, newlines and non-UTF-8 bytes', () => {
  it('moves and restores every byte of the name', () => {
    const before = snapshotTree(repo.root);
    const { out } = execute('--max-deletions', '100');
    for (const name of [SPACE_NAME, NEWLINE_NAME, FF_NAME]) {
      expect(outcomeOf(out, name).outcome).toBe('moved');
      expect(fs.existsSync(abs(repo.root, name))).toBe(false);
      expect(fs.existsSync(abs(repo.root, `.quarantine/${out.batch_id}/files/${name}`))).toBe(true);
    }
    expect(cli('cleanup', 'restore', out.batch_id).code).toBe(0);
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });
});

describe('when a file is read-only', () => {
  it(isRoot ? 'moves it (root may) and restores its mode' : 'leaves it in place and reports the failure', () => {
    fs.chmodSync(path.join(repo.root, 'ro'), 0o555);
    const before = snapshotTree(repo.root);
    const { code, out } = execute('--max-deletions', '100');
    const ro = outcomeOf(out, 'ro/readonly.tmp');
    if (isRoot) {
      expect(ro.outcome).toBe('moved');
      expect(cli('cleanup', 'restore', '--latest').code).toBe(0);
      expect(fs.statSync(path.join(repo.root, 'ro/readonly.tmp')).mode & 0o777).toBe(0o444);
      expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
    } else {
      expect(code).toBe(8);
      expect(ro.outcome).toBe('failed');
      expect(fs.readFileSync(path.join(repo.root, 'ro/readonly.tmp'), 'utf8')).toBe('read only\n');
    }
  });
});

describe('when the quarantine cannot take the files', () => {
  it('moves nothing and exits 8 when .quarantine is not a directory', () => {
    fs.writeFileSync(path.join(repo.root, '.quarantine'), 'in the way\n');
    const before = snapshotTree(repo.root, { withState: true });
    const { code, out } = execute();
    expect(code).toBe(8);
    expect(out.counts.failed).toBe(repo.candidates.length);
    expect(out.counts.moved).toBe(0);
    const after = snapshotTree(repo.root, { withState: true });
    const state = ['cleanup_actions.log', '.cleanup.lock'];
    expect(diffSnapshots(without(before, state), without(after, state))).toEqual([]);
  });

  it('moves nothing and exits 8 when .quarantine is a symlink out of the root', () => {
    fs.symlinkSync(repo.outside, path.join(repo.root, '.quarantine'));
    const before = snapshotTree(repo.root);
    const { code } = execute();
    expect(code).toBe(8);
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
    expect(fs.readdirSync(repo.outside).sort()).toEqual(['junk.tmp', 'secret.bak']);
  });

  it.skipIf(!canMount)('moves nothing and exits 8 when the quarantine is another file system (EXDEV: no copy-then-delete)', () => {
    const q = path.join(repo.root, '.quarantine');
    fs.mkdirSync(q);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', q]);
    expect(mounted.status).toBe(0);
    const before = snapshotTree(repo.root);
    const { code, out } = execute();
    expect(code).toBe(8);
    expect(out.counts.moved).toBe(0);
    expect(out.results.find((r: any) => r.outcome === 'failed').detail).toMatch(/EXDEV/);
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });
});

describe('when the disk is full', () => {
  /** A root on a 512 KiB tmpfs with three candidates, inventoried, then filled up but for `spare` bytes. */
  const fullRoot = (spare: number): { root: string; umount: () => void } => {
    const small = path.join(repo.base, 'small');
    fs.mkdirSync(small);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', small]).status).toBe(0);
    const root = path.join(small, 'root');
    fs.mkdirSync(root);
    for (const name of ['a.tmp', 'b.bak', 'c~']) {
      fs.writeFileSync(path.join(root, name), `${name}\n`);
      fs.utimesSync(path.join(root, name), new Date(Date.now() - 86_400_000), new Date(Date.now() - 86_400_000));
    }
    expect(runCli(['inventory', '--root', root]).code).toBe(0);
    if (spare > 0) fs.writeFileSync(path.join(root, 'spare'), Buffer.alloc(spare, 1));
    const fill = fs.openSync(path.join(root, 'filler.dat'), 'w');
    try {
      for (;;) fs.writeSync(fill, Buffer.alloc(4096, 1));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fill);
    }
    if (spare > 0) fs.rmSync(path.join(root, 'spare'));
    return { root, umount: () => spawnSync('umount', [small]) };
  };

  it.skipIf(!canMount)('with not a byte left (the lock needs none): moves nothing, deletes nothing, exits 8', () => {
    const { root, umount } = fullRoot(0);
    try {
      const before = snapshotTree(root);
      const result = runCli(['cleanup', 'execute', '--execute', '--json', '--root', root]);
      expect(result.code).toBe(8);
      expect(JSON.parse(result.stdout).counts).toMatchObject({ moved: 0, failed: 3 });
      expect(diffSnapshots(before, snapshotTree(root))).toEqual([]);
    } finally {
      umount();
    }
  });

  it.skipIf(!canMount)('cannot write the manifest: moves nothing, deletes nothing, exits 8', () => {
    const { root, umount } = fullRoot(4096); // one page: enough for the lock, not for the manifest
    try {
      const before = snapshotTree(root);
      const result = runCli(['cleanup', 'execute', '--execute', '--json', '--root', root]);
      expect(result.code).toBe(8);
      const out = JSON.parse(result.stdout);
      expect(out.counts.moved).toBe(0);
      expect(out.counts.failed).toBe(3);
      expect(out.results[0].detail).toMatch(/ENOSPC/);
      expect(diffSnapshots(before, snapshotTree(root))).toEqual([]);
    } finally {
      umount();
    }
  });
});

describe('when restoring', () => {
  it('never overwrites a file now at the original path (conflict, exit 8), and restores the rest', () => {
    const { out } = execute('--max-deletions', '100');
    fs.writeFileSync(path.join(repo.root, 'report.bak'), 'a new file with the same name\n');
    const result = cli('cleanup', 'restore', out.batch_id, '--json');
    expect(result.code).toBe(8);
    const restore = JSON.parse(result.stdout);
    expect(outcomeOf(restore, 'report.bak')).toMatchObject({ outcome: 'conflict' });
    expect(restore.counts.restored).toBe(out.counts.moved - 1);
    expect(fs.readFileSync(path.join(repo.root, 'report.bak'), 'utf8')).toBe('a new file with the same name\n');
    expect(fs.readFileSync(abs(repo.root, `.quarantine/${out.batch_id}/files/report.bak`), 'utf8')).toBe('old report\n');
  });

  it('refuses an unknown or malformed batch id with exit 1', () => {
    expect(cli('cleanup', 'restore', '../../etc').code).toBe(1);
    expect(cli('cleanup', 'restore').code).toBe(1);
  });

  it('refuses a corrupt manifest with exit 1', () => {
    const { out } = execute();
    fs.writeFileSync(abs(repo.root, `.quarantine/${out.batch_id}/manifest.json`), '{"version":1,');
    const result = cli('cleanup', 'restore', out.batch_id);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Manifest of batch .* cannot be read/);
  });
});

describe('when purging the quarantine', () => {
  it('lists old batches in a dry run and deletes them only with --execute', () => {
    const { out } = execute();
    expect(cli('cleanup', 'purge', '--older-than', '0s').code).toBe(0);
    expect(fs.existsSync(path.join(repo.root, '.quarantine', out.batch_id))).toBe(true);
    const purged = JSON.parse(cli('cleanup', 'purge', '--older-than', '0s', '--execute', '--json').stdout);
    expect(purged.batches).toEqual([expect.objectContaining({ batch_id: out.batch_id, outcome: 'purged' })]);
    expect(fs.existsSync(path.join(repo.root, '.quarantine', out.batch_id))).toBe(false);
  });

  it('keeps batches younger than the age', () => {
    const { out } = execute();
    expect(JSON.parse(cli('cleanup', 'purge', '--older-than', '1d', '--execute', '--json').stdout).batches).toEqual([]);
    expect(fs.existsSync(path.join(repo.root, '.quarantine', out.batch_id))).toBe(true);
  });

  it('refuses cleanup execute --purge-after 0s before moving anything (exit 1): it would purge the batch it makes', () => {
    const before = snapshotTree(repo.root);
    const result = cli('cleanup', 'execute', '--execute', '--min-age', '0s', '--purge-after', '0s');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Bad --purge-after: "0s"\n\s+--purge-after: must be longer than zero/);
    expect(result.stdout).not.toMatch(/Undo with/);
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });

  it('purges older batches after a real run but never the one it has just made, so its "Undo with" works', () => {
    const first = execute('--max-deletions', '1').out;
    const oldId = '20200101T000000Z-aaaaaa';
    fs.renameSync(path.join(repo.root, '.quarantine', first.batch_id), path.join(repo.root, '.quarantine', oldId));
    const result = cli('cleanup', 'execute', '--execute', '--min-age', '0s', '--purge-after', '1s', '--max-deletions', '3');
    expect(result.code).toBe(0);
    const made = /Undo with: symphony-conductor cleanup restore (\S+)/.exec(result.stdout)?.[1] as string;
    expect(made).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(result.stdout).toMatch(new RegExp(`purged +${oldId}`));
    expect(fs.readdirSync(path.join(repo.root, '.quarantine'))).toEqual([made]);
    const restore = JSON.parse(cli('cleanup', 'restore', made, '--json').stdout);
    expect(restore.counts).toEqual({ restored: 3, conflict: 0, missing: 0, failed: 0 });
  });
});

describe('when state files are planted as symlinks out of the root', () => {
  it('does not follow cleanup_actions.log out of the root: no log, no move, exit 8', () => {
    const target = path.join(repo.outside, 'victim.log');
    fs.writeFileSync(target, 'untouched\n');
    fs.symlinkSync(target, path.join(repo.root, 'cleanup_actions.log'));
    const before = snapshotTree(repo.root);
    const { code, out } = execute();
    expect(code).toBe(8);
    expect(out.counts.moved).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched\n');
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });

  it('does not take a lock through a .cleanup.lock planted as a symlink: nothing moves, exit 8', () => {
    const target = path.join(repo.outside, 'victim.lock');
    fs.writeFileSync(target, 'untouched\n');
    fs.symlinkSync(target, path.join(repo.root, '.cleanup.lock'));
    const before = snapshotTree(repo.root);
    const result = cli('cleanup', 'execute', '--execute');
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/Cannot take the cleanup lock/);
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched\n');
    expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
  });

  it('does not read an inventory that is a symlink (exit 1)', () => {
    fs.renameSync(inventoryPath(), path.join(repo.outside, 'inv.json'));
    fs.symlinkSync(path.join(repo.outside, 'inv.json'), inventoryPath());
    const result = cli('cleanup', 'analyze');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot be read/);
  });

  it('does not write an inventory through a symlinked folder (exit 1)', () => {
    const result = cli('inventory', '--output', 'outdir/inv.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/goes through a symlink \(outdir\)/);
    expect(fs.existsSync(path.join(repo.outside, 'inv.json'))).toBe(false);
  });
});

describe('when another cleanup holds the lock', () => {
  it('refuses to run while the holder lives (exit 8, its pid named), and runs once it is gone, even killed', async () => {
    const pauses = path.join(repo.base, 'pauses');
    fs.mkdirSync(pauses);
    const holder = spawnCli(['cleanup', 'execute', '--execute', '--root', repo.root], {
      env: { CONDUCTOR_TEST_PAUSE_AT: 'safe-move-before-rename', CONDUCTOR_TEST_PAUSE_DIR: pauses },
    });
    const holderExit = exitOf(holder);
    try {
      await waitFor(() => fs.existsSync(path.join(pauses, 'safe-move-before-rename.paused')), 'the first cleanup to hold the lock');
      const before = snapshotTree(repo.root);
      const busy = cli('cleanup', 'execute', '--execute');
      expect(busy.code).toBe(8);
      expect(busy.stderr).toMatch(new RegExp(`Another cleanup is running \\(pid ${holder.pid}\\)`));
      expect(diffSnapshots(before, snapshotTree(repo.root))).toEqual([]);
      expect(cli('cleanup', 'execute').code).toBe(0); // a dry run needs no lock
    } finally {
      holder.kill('SIGKILL');
    }
    expect((await holderExit).signal).toBe('SIGKILL');
    expect(execute().code).toBe(0); // the kernel released the dead holder's lock: nothing stale to clear
  });

  it('ignores a pid left in the lock file by a process that holds no lock', () => {
    fs.writeFileSync(path.join(repo.root, '.cleanup.lock'), '999999999\n');
    expect(execute().code).toBe(0);
  });
});

describe('when the inventory cannot be written', () => {
  it('keeps the old inventory, leaves no temp file and exits 8', () => {
    const old = fs.readFileSync(inventoryPath(), 'utf8');
    fs.mkdirSync(path.join(repo.root, 'inv.json'));
    const result = cli('inventory', '--output', 'inv.json');
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/Cannot write the inventory/);
    expect(fs.readFileSync(inventoryPath(), 'utf8')).toBe(old);
    expect(fs.readdirSync(repo.root).filter((name) => name.startsWith('inv.json.'))).toEqual([]);
  });
});

describe('when a folder cannot be read during the scan', () => {
  it.skipIf(isRoot)('still writes the inventory, names the folder and exits 8', () => {
    fs.chmodSync(path.join(repo.root, 'data'), 0o000);
    const result = cli('inventory', '--json');
    expect(result.code).toBe(8);
    expect(JSON.parse(result.stdout).errors[0].path).toBe('data');
  });
});

describe('when flags are bad', () => {
  it.each([
    [['cleanup', 'execute', '--max-deletions', '0'], /--max-deletions/],
    [['cleanup', 'execute', '--max-deletions', 'lots'], /--max-deletions/],
    [['cleanup', 'purge', '--older-than', '30'], /Bad --older-than/],
    [['cleanup', 'analyze', '--min-age', 'soon'], /Bad --min-age/],
    [['inventory', '--large-size', 'huge'], /Bad --large-size/],
    [['cleanup', 'frobnicate'], /Unknown argument|Name a cleanup command/],
  ])('%j exits 1 with a message', (args, message) => {
    const result = cli(...(args as string[]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a root that does not exist', () => {
    const result = runCli(['inventory', '--root', path.join(repo.base, 'nope')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not exist/);
  });
});
