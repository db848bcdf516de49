// The shipped config's inventory, cleanup and expiry tasks, run by the conductor itself through
// the scripts/ wrappers on a scratch repository used as the home.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, writeConfig } from '../helpers/cli.js';
import { buildScratchRepo, diffSnapshots, snapshotTree, without, type ScratchRepo } from './scratchRepo.js';

const shipped = JSON.parse(fs.readFileSync(path.join(repoRoot, 'config', 'conductor_config.json'), 'utf8'));
const TASKS = ['inventory_scan', 'cleanup_analysis', 'cleanup_execution', 'expired_files_cleanup'];

describe('when the conductor runs the shipped cleanup tasks on a scratch repository', () => {
  let repo: ScratchRepo;

  beforeAll(() => {
    repo = buildScratchRepo({ tracked: 300 });
    fs.rmSync(path.join(repo.root, 'status/conductor.db')); // the conductor makes its own (protected) history here
    fs.symlinkSync(path.join(repoRoot, 'scripts'), path.join(repo.root, 'scripts'));
    const tasks = shipped.tasks.filter((t: { name: string }) => TASKS.includes(t.name));
    expect(tasks.map((t: { name: string }) => t.name).sort()).toEqual([...TASKS].sort());
    writeConfig(repo.root, { tasks, settings: shipped.settings });
  });
  afterAll(() => repo.remove());

  it('scans, analyzes and moves at most 50 candidates to the quarantine, touching nothing else', () => {
    const before = snapshotTree(repo.root);
    const result = runCli(['run', '--task', 'cleanup_execution', '--with-deps'], { home: repo.root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const log = runCli(['logs', '--task', 'cleanup_execution'], { home: repo.root }).stdout;
    expect(log).toMatch(/moved \(.*\) into batch \d{8}T\d{6}Z-[0-9a-f]{6}/);
    expect(runCli(['logs', '--task', 'cleanup_analysis'], { home: repo.root }).stdout).toMatch(/Cleanup candidates in/);
    const batches = fs.readdirSync(path.join(repo.root, '.quarantine'));
    expect(batches).toHaveLength(1);
    const manifest = JSON.parse(fs.readFileSync(path.join(repo.root, '.quarantine', batches[0] as string, 'manifest.json'), 'utf8'));
    const moved = manifest.entries.map((e: { path: string; path_b64?: string }) =>
      e.path_b64 ? Buffer.from(e.path_b64, 'base64').toString('latin1') : Buffer.from(e.path, 'utf8').toString('latin1'),
    );
    // big.bin (2 MiB) is under the shipped --large-size (10M); everything else the scratch repo plants goes.
    expect(moved.sort()).toEqual(repo.candidates.filter((p) => p !== 'big.bin'));
    // The conductor's own files (logs/, status/) are new; everything else is as before, minus the candidates.
    const after = snapshotTree(repo.root);
    for (const key of [...after.keys()]) if (/^(logs|status)(\/|$)/.test(key) && !before.has(key)) after.delete(key);
    expect(diffSnapshots(without(before, moved), after)).toEqual([]);
  });

  it('runs the expiry task on the registry', () => {
    const past = new Date(Date.now() - 1000).toISOString();
    fs.writeFileSync(path.join(repo.root, '.cleanup_registry.json'), JSON.stringify({ version: 1, entries: [{ path: 'keep/notes.md', expires_at: past, reason: 'demo' }] }));
    expect(runCli(['run', '--task', 'expired_files_cleanup'], { home: repo.root }).code).toBe(0);
    expect(fs.existsSync(path.join(repo.root, 'keep/notes.md'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(repo.root, '.cleanup_registry.json'), 'utf8')).entries).toEqual([]);
  });
});
