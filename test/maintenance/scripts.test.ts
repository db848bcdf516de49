// The shell wrappers in scripts/ run the built CLI, also when reached through a symlink.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

describe.each([
  ['comprehensive_inventory.sh', 'symphony-conductor inventory'],
  ['cleanup_engine.sh', 'symphony-conductor cleanup <command>'],
  ['expire_files.sh', 'symphony-conductor expire <command>'],
])('scripts/%s', (script, usage) => {
  const file = path.join(repoRoot, 'scripts', script);

  it('is executable and runs its command', () => {
    expect(fs.statSync(file).mode & 0o111).not.toBe(0);
    const result = spawnSync(file, ['--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(usage);
  });

  it('works as ./scripts/... from a home whose scripts/ folder is a symlink', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-home-'));
    try {
      fs.symlinkSync(path.join(repoRoot, 'scripts'), path.join(home, 'scripts'));
      const result = spawnSync(`./scripts/${script}`, ['--help'], { encoding: 'utf8', cwd: home });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(usage);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('works through a relative symlink from another folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-link-'));
    try {
      fs.symlinkSync(path.relative(dir, file), path.join(dir, 'tool'));
      const result = spawnSync(path.join(dir, 'tool'), ['--help'], { encoding: 'utf8', cwd: os.tmpdir() });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(usage);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
