// A parent folder swapped for a symlink between the last check and the rename (issue 9 #16):
// the move is relative to folder descriptors opened beneath the root without following links
// (native/safe_move.c), so nothing outside the root moves, whatever the timing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';

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
/** Every file under `dir` (not following links) with its content. */
const contents = (dir: string): Record<string, string> => {
  const found: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) found[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return found;
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

describe('when a parent folder is swapped for a symlink between the last check and the rename', () => {
  it('moves the file it checked, inside the root, and nothing from outside', async () => {
    old(path.join(root, 'sub', 'x.bak'), 'inside\n');
    expect(cli('inventory').code).toBe(0);
    const pauses = path.join(base, 'pauses');
    fs.mkdirSync(pauses);
    const child = spawnCli(['cleanup', 'execute', '--execute', '--json', '--root', root], {
      env: { CONDUCTOR_TEST_PAUSE_AT: 'safe-move-before-rename', CONDUCTOR_TEST_PAUSE_DIR: pauses },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = exitOf(child);
    try {
      await waitFor(() => fs.existsSync(path.join(pauses, 'safe-move-before-rename.paused')), 'the rename to be about to happen');
      fs.renameSync(path.join(root, 'sub'), path.join(root, 'sub.real'));
      fs.symlinkSync(outside, path.join(root, 'sub'));
      fs.writeFileSync(path.join(pauses, 'safe-move-before-rename.resume'), '');
      expect((await exited).code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(contents(outside)).toEqual({ 'x.bak': 'outside secret\n', 'secret.txt': 'outside secret\n' });
    const out = JSON.parse(stdout);
    expect(out.counts.moved).toBe(1);
    expect(contents(path.join(root, '.quarantine', out.batch_id, 'files'))).toEqual({ 'sub/x.bak': 'inside\n' });
  });
});
