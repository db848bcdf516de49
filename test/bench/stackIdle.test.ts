// The memory scenario's floor yardstick (bench/yardstick/stack-idle.mjs) runs only at the full
// size (as the unit runs the daemon), so it is started here once, so it cannot rot: it loads the
// stack, answers its two routes once, says it is ready, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-stack-idle-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

it('starts the stack alone, answers its routes once, is ready, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bench', 'yardstick', 'stack-idle.mjs'), home], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`stack-idle exited ${child.exitCode}: ${stderr}`);
      return fs.existsSync(path.join(home, 'stack.ready'));
    }, 'stack-idle to be ready');
    expect(fs.readFileSync(path.join(home, 'stack.log'), 'utf8')).toMatch(/"msg":"listening"/);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
});
