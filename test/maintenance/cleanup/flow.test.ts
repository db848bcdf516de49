// The whole cleanup on a real scratch repository (thousands of committed files, ignored and
// untracked leftovers, symlinks, protected files): inventory, analysis, dry run, execution in
// two capped batches, restore. A snapshot of the tree proves nothing else is ever touched.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { abs, buildScratchRepo, diffSnapshots, FF_NAME, NEWLINE_NAME, snapshotTree, without, type ScratchRepo, type Snapshot } from '../scratchRepo.js';

const fromJson = (item: { path: string; path_b64?: string }): string =>
  item.path_b64 ? Buffer.from(item.path_b64, 'base64').toString('latin1') : Buffer.from(item.path, 'utf8').toString('latin1');

const cli = (repo: ScratchRepo, ...args: string[]) => runCli([...args, '--root', repo.root], { cwd: repo.root });

describe('on a scratch repository with thousands of files', () => {
  let repo: ScratchRepo;
  let original: Snapshot;
  const batches: string[] = [];

  beforeAll(() => {
    repo = buildScratchRepo({ tracked: 3000 });
    original = snapshotTree(repo.root);
  });
  afterAll(() => repo.remove());

  it('inventories every file with its git state and reasons, never entering .git or a symlinked folder', () => {
    const result = cli(repo, 'inventory', '--large-size', '1M', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.git.repository).toBe(true);
    const inventory = JSON.parse(fs.readFileSync(path.join(repo.root, 'cleanup_inventory.json'), 'utf8'));
    const byPath = new Map<string, any>(inventory.files.map((f: any) => [fromJson(f), f]));
    const walked = [...original.entries()].filter(([rel, v]) => !v.startsWith('dir') && !rel.startsWith('.git/')).map(([rel]) => rel);
    expect([...byPath.keys()].sort()).toEqual(walked.sort());
    expect(inventory.totals.files).toBe(walked.length);
    expect(byPath.get('pkg/m0/file1.txt')).toMatchObject({ git: 'tracked', kind: 'file', reasons: [] });
    expect(byPath.get('build/out.o')).toMatchObject({ git: 'ignored', reasons: ['build leftover'] });
    expect(byPath.get('logs/old.log').reasons[0]).toMatch(/^old log/);
    expect(byPath.get('logs/new.log').reasons).toEqual([]);
    expect(byPath.get('report.bak')).toMatchObject({ git: 'untracked', reasons: ['backup file'] });
    expect(byPath.get('copy of readme.md')).toMatchObject({ duplicate_of: 'docs/readme.md', reasons: ['duplicate of docs/readme.md'] });
    expect(byPath.get('dups/b-newer.txt').duplicate_of).toBe('dups/a-older.txt');
    expect(byPath.get('dups/a-older.txt').reasons).toEqual([]);
    expect(byPath.get('big.bin').reasons).toEqual(['large untracked file']);
    expect(byPath.get('outdir')).toMatchObject({ kind: 'symlink', link_target: '../outside' });
    expect(byPath.get('link-outside.bak')).toMatchObject({ kind: 'symlink', reasons: ['backup file'] });
    expect(byPath.get(FF_NAME).path_b64).toBe(Buffer.from(FF_NAME, 'latin1').toString('base64'));
    expect(byPath.has(NEWLINE_NAME)).toBe(true);
    expect([...byPath.keys()].some((p) => p.startsWith('.git/') || p.startsWith('outdir/'))).toBe(false);
  });

  it('analyzes the candidates with reasons and sizes, leaving protected, tracked and fresh files out, changing nothing', () => {
    const result = cli(repo, 'cleanup', 'analyze', '--json');
    expect(result.code).toBe(0);
    const analysis = JSON.parse(result.stdout);
    expect(analysis.candidates.map(fromJson).sort()).toEqual(repo.candidates);
    expect(analysis.excluded.protected).toBeGreaterThanOrEqual(5);
    expect(analysis.excluded.tracked).toBeGreaterThanOrEqual(1);
    expect(analysis.excluded.recent).toBe(1);
    expect(analysis.by_reason['temp file'].files).toBeGreaterThan(0);
    const text = cli(repo, 'cleanup', 'analyze');
    expect(text.stdout).toContain('big.bin  (large untracked file)');
    expect(text.stdout).toContain("$'odd\\nname.tmp'");
    expect(diffSnapshots(original, snapshotTree(repo.root))).toEqual([]);
  });

  it('dry run (the default) lists what would move and changes nothing, not even the log', () => {
    const result = cli(repo, 'cleanup', 'execute', '--json');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.dry_run).toBe(true);
    expect(out.counts['would move']).toBe(repo.candidates.length);
    expect(diffSnapshots(original, snapshotTree(repo.root))).toEqual([]);
    expect(fs.existsSync(path.join(repo.root, '.quarantine'))).toBe(false);
    expect(fs.existsSync(path.join(repo.root, 'cleanup_actions.log'))).toBe(false);
  });

  it('executes at most --max-deletions moves, and exactly the candidates over two runs', () => {
    const first = cli(repo, 'cleanup', 'execute', '--execute', '--max-deletions', '5', '--json');
    expect(first.code).toBe(0);
    const one = JSON.parse(first.stdout);
    expect(one.counts.moved).toBe(5);
    expect(one.counts.deferred).toBe(repo.candidates.length - 5);
    batches.push(one.batch_id);
    const movedFirst = one.results.filter((r: any) => r.outcome === 'moved').map(fromJson);
    expect(diffSnapshots(without(original, movedFirst), snapshotTree(repo.root))).toEqual([]);

    const second = cli(repo, 'cleanup', 'execute', '--execute', '--json');
    expect(second.code).toBe(0);
    const two = JSON.parse(second.stdout);
    batches.push(two.batch_id);
    const movedSecond = two.results.filter((r: any) => r.outcome === 'moved').map(fromJson);
    expect([...movedFirst, ...movedSecond].sort()).toEqual(repo.candidates);
    // Everything but the candidates is byte-for-byte, mode and mtime the same.
    expect(diffSnapshots(without(original, repo.candidates), snapshotTree(repo.root))).toEqual([]);
    // The symlink pointing out of the root moved as a link; its target is untouched.
    const quarantined = abs(repo.root, `.quarantine/${two.batch_id}/files/link-outside.bak`);
    expect(fs.lstatSync(quarantined).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(repo.outside, 'secret.bak'), 'utf8')).toBe('outside secret\n');
    const log = fs.readFileSync(path.join(repo.root, 'cleanup_actions.log'), 'utf8');
    expect(log.split('\n').filter((l) => / move ok /.test(l))).toHaveLength(repo.candidates.length);
  });

  it('lists the batches and restores them exactly: path, bytes, mode and mtime', () => {
    const list = JSON.parse(cli(repo, 'cleanup', 'batches', '--json').stdout);
    expect(list.map((b: any) => b.batch_id).sort()).toEqual([...batches].sort());
    const latest = cli(repo, 'cleanup', 'restore', '--latest', '--json');
    expect(latest.code).toBe(0);
    expect(JSON.parse(latest.stdout).batch_id).toBe(batches[1]);
    const older = cli(repo, 'cleanup', 'restore', batches[0] as string, '--json');
    expect(older.code).toBe(0);
    expect(JSON.parse(older.stdout).counts.restored).toBe(5);
    expect(diffSnapshots(original, snapshotTree(repo.root))).toEqual([]);
    expect(cli(repo, 'cleanup', 'restore', '--latest').code).toBe(1); // nothing left to restore
  });
});
