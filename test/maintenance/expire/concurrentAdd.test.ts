// Many `expire add` at once (issue 9 #7): every registration reported as done is in the registry.
// The old lock took a just-created, still empty lock file for a stale one, so two processes
// could both "hold" it and one write lost the other's entry; the others failed with exit 8
// instead of waiting their turn.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPath } from '../../helpers/cli.js';
import { exitOf } from '../../helpers/wait.js';

const AT_ONCE = 30;
const ROUNDS = 2;
let root: string;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-expire-race-')));
  for (let i = 0; i < AT_ONCE; i += 1) fs.writeFileSync(path.join(root, `f${i}.txt`), `${i}\n`);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function addAllAtOnce(): Promise<{ code: number | null; stdout: string; stderr: string }[]> {
  const children = Array.from({ length: AT_ONCE }, (_, i) => {
    // niced: 30 CLIs at once on two shared cores must not starve the tests running beside this one
    const args = [process.execPath, cliPath, 'expire', 'add', path.join(root, `f${i}.txt`), '--in', '7d', '--reason', `round entry ${i}`, '--root', root];
    const child = spawn('nice', ['-n', '15', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
    return exitOf(child).then(({ code }) => ({ code, ...out }));
  });
  return Promise.all(children);
}

describe(`when ${AT_ONCE} expire add run at once`, () => {
  it(`registers every one of them, ${ROUNDS} rounds in a row`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      fs.rmSync(path.join(root, '.cleanup_registry.json'), { force: true });
      const results = await addAllAtOnce();
      const registry = JSON.parse(fs.readFileSync(path.join(root, '.cleanup_registry.json'), 'utf8'));
      const registered = new Set(registry.entries.map((e: { path: string }) => e.path));
      const reportedDone = results.flatMap((r, i) => (r.code === 0 ? [`f${i}.txt`] : []));
      expect(reportedDone.filter((name) => !registered.has(name)), `round ${round + 1}: reported done, missing from the registry`).toEqual([]);
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr), `round ${round + 1}: refused`).toEqual([]);
      results.forEach((r, i) => expect(r.stdout).toMatch(new RegExp(`^Registered f${i}\\.txt: expires `)));
      expect(registered.size).toBe(AT_ONCE);
    }
  }, 180_000);
});
