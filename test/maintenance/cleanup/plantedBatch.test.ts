// A quarantine batch planted with folders linked out of the root, or made for another root
// (issue 9 #15): restore only takes files from folders the tools made, for this root, and never
// follows a link, with or without the safe-move helper.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const DAY = 86_400_000;
let base: string;
let root: string;
let outside: string;
const cli = (...args: string[]) => runCli([...args, '--root', root], { cwd: root });
const old = (file: string, content: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const when = new Date(Date.now() - 2 * DAY);
  fs.utimesSync(file, when, when);
};
beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-races-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  old(path.join(outside, 'x.bak'), 'outside secret\n');
  old(path.join(outside, 'secret.txt'), 'outside secret\n');
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('when a quarantine batch is planted with folders linked out of the root', () => {
  const batchId = '20250101T000000Z-abcdef';
  const batch = () => path.join(root, '.quarantine', batchId);
  const plant = (entry: string, manifestRoot = root): void => {
    fs.mkdirSync(batch(), { recursive: true });
    const stat = fs.statSync(path.join(outside, 'secret.txt'));
    const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
    const manifest = {
      version: 1, batch_id: batchId, source: 'cleanup', root: manifestRoot, created_at: '2025-01-01T00:00:00.000Z', finished_at: '2025-01-01T00:00:00.100Z',
      entries: [{ path: entry, kind: 'file', mode: '0644', size: stat.size, mtime: stat.mtime.toISOString(), mtime_ns: ns(stat.mtimeMs), atime_ns: ns(stat.atimeMs), hash: null, reasons: ['backup file'], status: 'moved' }],
    };
    fs.writeFileSync(path.join(batch(), 'manifest.json'), JSON.stringify(manifest));
  };
  const expectNothingMoved = (): void => {
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('outside secret\n');
    expect(fs.existsSync(path.join(root, 'secret.txt'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'sub', 'secret.txt'))).toBe(false);
  };

  it('refuses a batch whose files/ folder is a symlink out of the root (exit 1)', () => {
    plant('secret.txt');
    fs.symlinkSync(outside, path.join(batch(), 'files'));
    const result = cli('cleanup', 'restore', batchId);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/files is a symlink, not a folder the tools made/);
    expectNothingMoved();
  });

  it('refuses a quarantine that is itself a symlink out of the root (exit 1)', () => {
    const elsewhere = path.join(outside, 'q');
    fs.mkdirSync(path.join(elsewhere, batchId), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(root, '.quarantine'));
    plant('secret.txt');
    fs.symlinkSync(outside, path.join(batch(), 'files'));
    expect(cli('cleanup', 'restore', batchId).code).toBe(1);
    expectNothingMoved();
  });

  it('does not follow a symlinked folder inside files/: the entry fails (exit 8)', () => {
    plant('sub/secret.txt');
    fs.mkdirSync(path.join(batch(), 'files'));
    fs.symlinkSync(outside, path.join(batch(), 'files', 'sub'));
    const result = cli('cleanup', 'restore', batchId, '--json');
    expect(result.code).toBe(8);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ restored: 0, failed: 1 });
    expectNothingMoved();
  });

  it('refuses a manifest made for another root (exit 1)', () => {
    plant('secret.txt', outside);
    fs.mkdirSync(path.join(batch(), 'files'));
    fs.writeFileSync(path.join(batch(), 'files', 'secret.txt'), 'held\n');
    const result = cli('cleanup', 'restore', batchId);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`was made for ${outside}, not ${root}`));
    expect(fs.existsSync(path.join(root, 'secret.txt'))).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a batch folder owned by another user (exit 1)', () => {
    plant('secret.txt');
    fs.mkdirSync(path.join(batch(), 'files'));
    fs.writeFileSync(path.join(batch(), 'files', 'secret.txt'), 'held\n');
    fs.chownSync(batch(), 4242, 4242);
    const result = cli('cleanup', 'restore', batchId);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/belongs to uid 4242/);
    expect(fs.existsSync(path.join(root, 'secret.txt'))).toBe(false);
  });

  it('still restores a batch the tools made', () => {
    old(path.join(root, 'keep', 'a.bak'), 'mine\n');
    expect(cli('inventory').code).toBe(0);
    const made = JSON.parse(cli('cleanup', 'execute', '--execute', '--json').stdout);
    expect(made.counts.moved).toBe(1);
    const restored = JSON.parse(cli('cleanup', 'restore', '--latest', '--json').stdout);
    expect(restored.counts).toEqual({ restored: 1, conflict: 0, missing: 0, failed: 0 });
    expect(fs.readFileSync(path.join(root, 'keep', 'a.bak'), 'utf8')).toBe('mine\n');
  });
});

describe('without the safe-move helper (CONDUCTOR_SAFE_MOVE=node)', () => {
  it('still refuses a planted batch and a symlinked folder inside files/', () => {
    const env = { CONDUCTOR_SAFE_MOVE: 'node' };
    const batchId = '20250101T000000Z-abcdef';
    const dir = path.join(root, '.quarantine', batchId);
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'files', 'sub'));
    const stat = fs.statSync(path.join(outside, 'secret.txt'));
    const ns = `${BigInt(Math.round(stat.mtimeMs)) * 1_000_000n}`;
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, batch_id: batchId, source: 'cleanup', root, created_at: '2025-01-01T00:00:00.000Z', finished_at: null, entries: [{ path: 'sub/secret.txt', kind: 'file', mode: '0644', size: stat.size, mtime_ns: ns, atime_ns: ns, status: 'moved' }] }));
    const result = runCli(['cleanup', 'restore', batchId, '--root', root, '--json'], { cwd: root, env });
    expect(result.code).toBe(8);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('outside secret\n');
    expect(fs.readdirSync(root).sort()).toEqual(['.cleanup.lock', '.quarantine', 'cleanup_actions.log']);
  });
});
