// The daemon runs without V8's optimising compilers (src/cli/main.ts: `--max-opt=1` for `start`,
// ~6 MB less idle RSS), unless its own command line names a tier. V8's --trace-opt says each
// function it marks for optimisation and compiles: none for the daemon as shipped, some for the
// same daemon told `--max-opt=999` (so the check can see them), and the other commands keep V8's
// defaults.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, makeHome } from '../helpers/cli.js';
import { exitOf, waitFor } from '../helpers/wait.js';

let home: string;

beforeAll(() => {
  // Enough tasks that starting them is hot work (their schedules, their next fires).
  const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
  const tasks = Array.from({ length: 1000 }, (_, i) => ({ name: `t${i}`, command: 'true', schedule: `${i % 60} ${Math.floor(i / 60) % 24} 1 ${month} *` }));
  home = makeHome({ tasks, settings: { http: { port: 0 }, timezone: 'UTC' } });
});

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** What --trace-opt said about optimising while the daemon started, and 3 s after. */
async function optimisedWhileStarting(nodeFlags: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--trace-opt', ...nodeFlags, cliPath, '--home', home, 'start'], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor(() => output.includes(' started: '), 'the daemon to start', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    child.kill('SIGTERM');
    await exitOf(child);
  }
  return output.split('\n').filter((line) => /for optimization to TURBOFAN|target TURBOFAN|completed optimizing/i.test(line));
}

describe("the daemon and V8's optimising compilers", () => {
  it('optimises nothing as it starts 1,000 tasks and idles', async () => {
    expect(await optimisedWhileStarting([])).toEqual([]);
  });

  it('optimises as V8 likes when its command line names a tier (so the check above sees what it looks for)', async () => {
    expect((await optimisedWhileStarting(['--max-opt=999'])).length).toBeGreaterThan(0);
  });
});
