// simulate's printer runs on a second thread in the built command: what it prints must be the
// bytes the in-process printers give for the same simulation, over many batches of fires (so
// the string tables, the batch boundaries and the in-flight limit all come into play), with
// durations that make runs overlap, wait and end after they start (start and end instants apart
// from the fire's, in a zone with a DST change inside the window).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/loadConfig.js';
import { homePaths } from '../../src/app/paths.js';
import { simulateHome } from '../../src/app/simulate/simulateHome.js';
import { jsonPrinter, textPrinter, type FirePrinter } from '../../src/cli/render/simulation.js';
import { cliPath, makeHome, runCli } from '../helpers/cli.js';

const tasks = [
  ...Array.from({ length: 30 }, (_, i) => ({ name: `job_${i}`, command: 'true', schedule: `${i} * * * *`, ...(i % 3 === 0 ? { timezone: 'America/New_York' } : {}) })),
  { name: 'slow', command: 'true', schedule: '*/5 * * * *', concurrency_policy: 'forbid' },
  { name: 'after_slow', command: 'true', schedule: '*/5 * * * *', dependencies: ['slow'] },
];
const from = Date.parse('2025-03-01T00:00:00Z');
const until = from + 20 * 86_400_000;

/** Seconds: `slow` outlasts its 5-minute period (forbid skips it), others run a while. */
const durations = { slow: 420, after_slow: 30, job_0: 95, job_3: 3600 };

async function inProcess(home: string, durationsFile: string, print: (collect: (text: string) => void) => FirePrinter): Promise<string> {
  let text = '';
  const printer = print((chunk) => (text += chunk));
  const paths = homePaths(home);
  await simulateHome(paths, { from, until, durationsFile, config: loadConfig(paths.config).config }, (fire) => printer.fire(fire));
  printer.end();
  return text;
}

describe('simulate on its writer thread', () => {
  it.each([
    ['JSON', ['--json'], (config: Parameters<typeof jsonPrinter>[0]) => (w: (t: string) => void) => jsonPrinter(config, w)],
    ['text', [], (config: Parameters<typeof jsonPrinter>[0]) => (w: (t: string) => void) => textPrinter(config, { from, until }, w)],
  ])('prints the same %s bytes as the in-process printer', async (_kind, flags, printer) => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    const durationsFile = path.join(home, 'durations.json');
    fs.writeFileSync(durationsFile, JSON.stringify(durations));
    const result = runCli(['simulate', '--from', new Date(from).toISOString(), '--days', '20', '--durations', durationsFile, ...flags], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = await inProcess(home, durationsFile, printer(loadConfig(homePaths(home).config).config));
    expect(expected).toMatch(/"outcome":"skipped"|skipped: /);
    expect(expected).toMatch(/"waits_on":\["slow"\]|waits on slow/);
    expect(expected.split('\n').length).toBeGreaterThan(4096 * 5);
    expect(result.stdout).toBe(expected);
  });

  // The reader goes away after a few bytes: whether the simulation is still sending (a year of
  // 30 tasks: 69 batches) or has sent everything already (a year of one hourly task: 8,760 fires,
  // three batches, all sent while the printer thread starts, 2 MB so the pipe fills and the
  // printer's write fails after), simulate ends quietly with exit 0, and does not wait forever.
  it.each([
    ['still sending', tasks.slice(0, 30)],
    ['done sending', [{ name: 'hourly', command: 'true', schedule: '0 * * * *' }]],
  ])('ends quietly with exit 0 when the reader goes away (%s)', (_case, someTasks) => {
    const home = makeHome({ tasks: someTasks, settings: { timezone: 'UTC' } });
    for (const flags of ['--json', '']) {
      const pipeline = `timeout -k 5 45 node ${JSON.stringify(cliPath)} simulate --home ${JSON.stringify(home)} --days 365 ${flags} | head -c 60 > /dev/null; echo "exit \${PIPESTATUS[0]}"`;
      const result = spawnSync('bash', ['-c', pipeline], { encoding: 'utf8', timeout: 60_000 });
      // A simulate that waits forever is killed at 45 s (exit 124), so nothing is left behind.
      expect(result.error, 'simulate did not end').toBeUndefined();
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('exit 0');
    }
  });
});
