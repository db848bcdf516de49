// The benchmark suite (bench/, `npm run bench`) at a tiny size, so it cannot rot: every
// scenario runs once through the dispatcher, prints its table and writes a well-formed
// result JSON. No timing is asserted: these numbers mean nothing at this size.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runner = path.join(repoRoot, 'bench', 'run.mjs');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-bench-test-'));
const resultsDir = path.join(root, 'results');
const tmpDir = path.join(root, 'tmp');
fs.mkdirSync(tmpDir, { recursive: true });

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function runBench(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, name, '--size', 'tiny', '--quiet', '--results', resultsDir, '--tmp', tmpDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

interface Case {
  name: unknown;
  unit: unknown;
  samples: unknown[];
  median: unknown;
  yardstick: { name: unknown; samples: unknown[]; median: unknown } | null;
  ratio: unknown;
  target: { text: unknown; limit: unknown } | null;
  met: unknown;
}

describe('npm run bench at a tiny size', () => {
  it.each(['dag', 'lateness', 'startup', 'memory', 'validate', 'history', 'queue', 'http', 'watch', 'simulate', 'dashboard'])(
    '%s completes and writes a well-formed result',
    async (name) => {
      const { code, stdout, stderr } = await runBench(name);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`== ${name} (tiny) ==`);
      const files = fs.readdirSync(resultsDir).filter((f) => f.startsWith(`${name}-tiny-`) && f.endsWith('.json'));
      expect(files).toHaveLength(1);
      const result = JSON.parse(fs.readFileSync(path.join(resultsDir, files[0] as string), 'utf8'));
      expect(result).toMatchObject({ scenario: name, size: 'tiny' });
      expect(stdout).toContain(path.join(resultsDir, files[0] as string));
      expect(typeof result.machine.cpu_model).toBe('string');
      expect(result.machine.cores).toBeGreaterThan(0);
      expect(result.machine.node).toBe(process.version);
      expect(result.cases.length).toBeGreaterThan(0);
      for (const c of result.cases as Case[]) {
        expect(typeof c.name).toBe('string');
        expect(typeof c.unit).toBe('string');
        expect(c.samples.length).toBeGreaterThan(0);
        expect(c.samples.every(isNumber)).toBe(true);
        expect(isNumber(c.median)).toBe(true);
        expect(c.yardstick).not.toBeNull();
        expect(c.yardstick?.samples.every(isNumber)).toBe(true);
        expect(isNumber(c.yardstick?.median)).toBe(true);
        expect(c.ratio === null || isNumber(c.ratio)).toBe(true);
        if (c.target) {
          expect(typeof c.target.text).toBe('string');
          expect(isNumber(c.target.limit)).toBe(true);
          expect(typeof c.met).toBe('boolean');
        }
      }
    },
    90_000,
  );

  it('leaves no temporary home behind', () => {
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });
});

describe('npm run bench, asked wrongly', () => {
  const bench = (args: string[]) => {
    const result = spawnSync(process.execPath, [runner, ...args], { cwd: repoRoot, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it.each([
    [['--bogus'], "bench: Unknown option '--bogus'"],
    [['--size'], "bench: Option '--size <value>' argument missing"],
  ])('refuses %j with its name and the usage, exit 2, no stack trace', (args, message) => {
    const result = bench(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).toContain('usage: npm run bench');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the usage for --help and -h, exit 0, running nothing', () => {
    for (const flag of ['--help', '-h']) {
      const result = bench([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^usage: npm run bench .*\nscenarios: dag, lateness, startup, memory/);
    }
  });

  it('refuses an unknown scenario by name, exit 1', () => {
    const result = bench(['nosuch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bench: unknown scenario nosuch; one of dag,');
  });
});
