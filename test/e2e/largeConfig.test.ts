// Config size never meets the call stack: every command that reads the config works on
// 100,000 tasks, whatever order they are listed in (issue 9, item 9).
import { describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';

const N = 100_000;

/** Each task depends on the next one listed: the order that made a recursive search go 100,000 deep. */
function chainConfig() {
  return { tasks: Array.from({ length: N }, (_, i) => ({ name: `t${i}`, command: 'true', ...(i < N - 1 ? { dependencies: [`t${i + 1}`] } : {}) })) };
}

/** A seeded random DAG: each task depends on up to three others that come later in the file. */
function randomDagConfig() {
  let state = 7;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return {
    tasks: Array.from({ length: N }, (_, i) => {
      const deps = new Set<string>();
      const later = N - 1 - i;
      for (let k = 0; k < Math.min(later, 3); k++) deps.add(`t${i + 1 + Math.floor(random() * later)}`);
      return { name: `t${i}`, command: 'true', schedule: i % 1000 === 0 ? '0 2 * * *' : undefined, dependencies: [...deps] };
    }),
  };
}

const noStack = (text: string) => expect(text).not.toMatch(/Maximum call stack|internal error|\n\s+at .+:\d+:\d+/);

describe('a config of 100,000 tasks in a chain', () => {
  const home = makeHome(chainConfig());

  it('validates', () => {
    const result = runCli(['validate'], { home });
    noStack(result.stderr);
    expect(result.stdout).toMatch(/valid, 100000 tasks/);
    expect(result.code).toBe(0);
  });

  it('draws the graph, dependencies first', () => {
    const result = runCli(['graph'], { home });
    noStack(result.stderr);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(N);
    expect(lines[0]).toMatch(/^t99999 +\[by hand only\]$/);
    expect(lines[N - 1]).toMatch(/^t0 +\[after dependencies\]  <- t1$/);
  });

  it('gives its status', () => {
    const result = runCli(['status', '--json'], { home });
    noStack(result.stderr);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tasks.length).toBe(N);
  });

  it('names the whole cycle when the last task closes it', () => {
    const config = chainConfig();
    (config.tasks[N - 1] as { dependencies?: string[] }).dependencies = ['t0'];
    const result = runCli(['validate'], { home: makeHome(config) });
    noStack(result.stderr);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/tasks\/0\/dependencies: dependency cycle: t0 -> t1 -> t2 -> .* -> t99999 -> t0 \(each task/);
  });
});

describe('a random DAG of 100,000 tasks', () => {
  it('validates', () => {
    const result = runCli(['validate'], { home: makeHome(randomDagConfig()) });
    noStack(result.stderr);
    expect(result.stdout).toMatch(/valid, 100000 tasks \(100 scheduled, 0 disabled\)/);
    expect(result.code).toBe(0);
  });
});
