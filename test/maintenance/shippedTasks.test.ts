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

  it("leaves the home's own files alone: health files with the same line, a task log and the conductor's log not written for months", () => {
    const old = (rel: string, text: string, days: number) => {
      const file = path.join(repo.root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      const when = new Date(Date.now() - days * 24 * 3600 * 1000);
      fs.utimesSync(file, when, when);
      return rel;
    };
    const own = [
      old('status/automation_health/quiet_a.health', 'success:2026-01-01T00:00:00Z:0\n', 1),
      old('status/automation_health/quiet_b.health', 'success:2026-01-01T00:00:00Z:0\n', 1),
      old('logs/automation/monthly.log', '=== run of a monthly task\n', 60),
      old('logs/automation/monthly.log.1', '=== an earlier run\n', 90),
      old('logs/symphony_conductor.log.1', '{"msg":"rotated"}\n', 60),
    ];
    const stray = old('logs/other_app.log', 'not the conductor\'s\n', 60);
    const result = runCli(['run', '--task', 'cleanup_execution', '--with-deps'], { home: repo.root });
    expect(result.code).toBe(0);
    for (const rel of own) expect(fs.existsSync(path.join(repo.root, rel)), rel).toBe(true);
    // An old log of something else in logs/ is still a candidate.
    expect(fs.existsSync(path.join(repo.root, stray))).toBe(false);
  });

  it('runs the expiry task on the registry', () => {
    const past = new Date(Date.now() - 1000).toISOString();
    fs.writeFileSync(path.join(repo.root, '.cleanup_registry.json'), JSON.stringify({ version: 1, entries: [{ path: 'keep/notes.md', expires_at: past, reason: 'demo' }] }));
    expect(runCli(['run', '--task', 'expired_files_cleanup'], { home: repo.root }).code).toBe(0);
    expect(fs.existsSync(path.join(repo.root, 'keep/notes.md'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(repo.root, '.cleanup_registry.json'), 'utf8')).entries).toEqual([]);
  });
});
