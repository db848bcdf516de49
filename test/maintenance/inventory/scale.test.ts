// A 20,000-file tree (145 folders committed to git) is scanned whole, with each file's git state.
// How fast a large tree goes is the benchmarks' business, not a timed test's: the figures are printed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

describe('when the root holds 20,000 files', () => {
  let base: string;

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-20k-'));
    for (let d = 0; d < 200; d += 1) {
      fs.mkdirSync(path.join(base, `d${d}`));
      for (let f = 0; f < 100; f += 1) {
        fs.writeFileSync(path.join(base, `d${d}`, `f${f}.${f % 10 === 0 ? 'tmp' : 'txt'}`), `file ${d} ${f}\n${'.'.repeat(f % 7)}`);
      }
    }
    execFileSync('git', ['init', '-q'], { cwd: base });
    execFileSync('sh', ['-c', 'git add d[0-4]* && git -c gc.auto=0 -c user.name=t -c user.email=t@t commit -qm half'], { cwd: base });
  }, 180_000);
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }), 180_000);

  it('scans them all, with git state', () => {
    const started = Date.now();
    const result = runCli(['inventory', '--root', base, '--json'], { timeoutMs: 120_000 });
    const wallMs = Date.now() - started;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals.files).toBe(20_000);
    expect(summary.totals.candidates).toBe(2_000);
    console.log(`20k-file inventory: ${summary.duration_ms} ms scan, ${wallMs} ms wall, ${summary.totals.hashed} hashed`);
    const inventory = JSON.parse(fs.readFileSync(path.join(base, 'cleanup_inventory.json'), 'utf8'));
    const git: Record<string, number> = {};
    for (const f of inventory.files as { git: string }[]) git[f.git] = (git[f.git] ?? 0) + 1;
    // d[0-4]* is d0-d4, d10-d49 and d100-d199: 145 folders of 100 files.
    expect(git).toEqual({ tracked: 14_500, untracked: 5_500 });
  }, 180_000);
});
