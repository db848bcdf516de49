// The issue-17 table `npm run bench` prints after its scenarios: each of the six rows is read
// from the case that measured it in the same run, judged against the issue's target and goal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Row {
  measure: string;
  value: number | null;
  state: string;
}
const modulePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'issue17.mjs');
const { issue17Rows, formatIssue17 } = (await import(modulePath)) as {
  issue17Rows: (results: unknown[]) => Row[];
  formatIssue17: (results: unknown[]) => string;
};

const yard = { name: 'node -e 0' };
const full = [
  { scenario: 'dag', size: 'full', cases: [{ name: 'layered N=1000', ratio: 2.2, yardstick: { name: 'make -j4' } }, { name: 'chain N=1000', ratio: 3.1, yardstick: { name: 'make -j4' } }] },
  {
    scenario: 'startup',
    size: 'full',
    cases: [
      { name: 'status --json (1000 tasks, 1000000 rows)', ratio: 1.9, yardstick: yard },
      { name: 'run --task of true, wall (1000 tasks, 1000000 rows)', ratio: 3, yardstick: yard },
    ],
  },
  { scenario: 'lateness', size: 'full', cases: [{ name: 'busy: 100 tasks on * * * * * *', p99: 120, os_floor: { p99: 100 }, yardstick: { name: 'minimal' } }] },
  {
    scenario: 'memory',
    size: 'full',
    cases: [
      { name: 'idle RSS, 1000 tasks, NODE_OPTIONS=--max-semi-space-size=1 (as the unit; no HTTP request yet)', median: 58, yardstick: { name: 'bare', median: 40 } },
      { name: 'idle RSS, 1000 tasks, after GET /health and GET /metrics (its HTTP application loaded), NODE_OPTIONS=--max-semi-space-size=1', median: 64.5, yardstick: { name: 'bare', median: 40 } },
      { name: 'idle RSS, the stack alone (Fastify with ajv, prom-client, better-sqlite3, pino; no conductor), NODE_OPTIONS=--max-semi-space-size=1', median: 52.25, yardstick: { name: 'bare', median: 40 } },
    ],
  },
];

describe('the issue-17 table', () => {
  it.each([
    ['1,000-task layered DAG, 4 at once, vs make -j4', 2.2, 'target met'],
    ['1,000-task chain vs make -j4', 3.1, 'MISSED'],
    ['status at 1,000 tasks, 1M rows, vs node -e 0', 1.9, 'goal met'],
    ['run --task of true, wall, vs node -e 0', 3, 'target met'],
    ['100 tasks on one second, p99 start lateness, vs a bare shell forking the same', 1.2, 'target met'],
    ['daemon idle RSS at 1,000 tasks (as the unit runs it; no HTTP request yet)', 58, 'target met'],
  ])('reads "%s" from its case: %s, %s', (measure, value, state) => {
    const row = issue17Rows(full).find((r) => r.measure === measure);
    expect(row?.value).toBeCloseTo(value, 6);
    expect(row?.state).toBe(state);
  });

  it("shows the idle RSS beside bare Node's, the stack's alone and the daemon's after its first requests, each from its case", () => {
    const row = issue17Rows(full).find((r) => r.measure.startsWith('daemon idle RSS')) as Row & { yardstickName: string };
    expect(row.yardstickName).toBe('bare 40 MB; the stack alone 52.25 MB; the daemon after a probe and a scrape 64.5 MB');
  });

  it('says which rows were not measured at the full size, and which scenarios did not run', () => {
    const rows = issue17Rows([{ scenario: 'startup', size: 'tiny', cases: [{ name: 'status --json (10 tasks, 1000 rows)', ratio: 1 }] }]);
    expect(rows.map((r) => r.state)).toEqual([
      'not run (npm run bench -- dag)',
      'not run (npm run bench -- dag)',
      'not at full size (tiny)',
      'not at full size (tiny)',
      'not run (npm run bench -- lateness)',
      'not run (npm run bench -- memory)',
    ]);
  });

  it('prints nothing when none of its scenarios ran, and all six rows when one did', () => {
    expect(formatIssue17([{ scenario: 'validate', size: 'full', cases: [] }])).toBe('');
    const text = formatIssue17(full);
    expect(text.split('\n').filter((line) => /(met|MISSED)$/.test(line))).toHaveLength(6);
  });
});
