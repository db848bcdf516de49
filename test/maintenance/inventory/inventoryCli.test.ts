// `inventory` through the real CLI on small trees: where it may write, and what it does with
// files that change under it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';

let base: string;
let root: string;
let outside: string;
const inventory = (...args: string[]) => runCli(['inventory', '--root', root, ...args], { cwd: root });

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-inv-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'a.txt'), 'same\n');
  fs.writeFileSync(path.join(root, 'b.txt'), 'same\n');
  fs.symlinkSync(outside, path.join(root, 'outdir'));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('when --output names a place the inventory may not go', () => {
  it.each([
    ['outside the root', () => path.join(outside, 'inv.json'), /--output must name a file inside the root/],
    ['through a symlinked folder', () => 'outdir/inv.json', /--output outdir\/inv\.json cannot be used\n\s+--output: goes through a symlink \(outdir\)/],
  ])('refuses a file %s naming --output, not --inventory (exit 1)', (_case, output, message) => {
    const result = inventory('--output', output());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/--inventory/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('when a file is replaced by a fifo between the walk and the hashing', () => {
  it('refuses to hash it, records why, writes the inventory and exits 8 instead of hanging', async () => {
    const pauses = path.join(base, 'pauses');
    fs.mkdirSync(pauses);
    const child = spawnCli(['inventory', '--root', root, '--json'], {
      env: { CONDUCTOR_TEST_PAUSE_AT: 'inventory-after-walk', CONDUCTOR_TEST_PAUSE_DIR: pauses },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = exitOf(child);
    try {
      await waitFor(() => fs.existsSync(path.join(pauses, 'inventory-after-walk.paused')), 'the scan to finish its walk');
      fs.rmSync(path.join(root, 'b.txt'));
      execFileSync('mkfifo', [path.join(root, 'b.txt')]);
      fs.writeFileSync(path.join(pauses, 'inventory-after-walk.resume'), '');
      const end = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000))]);
      expect(end, 'inventory still running 20 s after the swap (blocked opening the fifo)').not.toBeNull();
      expect(end?.code).toBe(8);
    } finally {
      child.kill('SIGKILL');
    }
    const summary = JSON.parse(stdout);
    expect(summary.errors).toEqual([{ path: 'b.txt', message: 'not hashed: not a regular file (a fifo)' }]);
    const written = JSON.parse(fs.readFileSync(path.join(root, 'cleanup_inventory.json'), 'utf8'));
    expect(written.errors).toEqual(summary.errors);
  }, 60_000);
});
