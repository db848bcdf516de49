// The table issue 17 asks `npm run bench` to print: its six rows, each read from the case of
// the scenario that measured it in this run (with that case's yardstick), against the issue's
// target and goal. A row whose scenario did not run, or ran at another size, says so.

const ratio = (c) => c.ratio;
const ratioToFloorP99 = (c) => (c.os_floor?.p99 && c.p99 !== null ? c.p99 / c.os_floor.p99 : null);
const medianOf = (c) => c.median;

/** The rows: where each is measured, how its value is read, its target and goal (value <= limit). */
export const ISSUE_17_ROWS = [
  { measure: '1,000-task layered DAG, 4 at once, vs make -j4', scenario: 'dag', matches: (c) => c.name === 'layered N=1000', value: ratio, unit: 'x', yardstick: (c) => c.yardstick?.name, target: 2.5, goal: 2 },
  { measure: '1,000-task chain vs make -j4', scenario: 'dag', matches: (c) => c.name === 'chain N=1000', value: ratio, unit: 'x', yardstick: (c) => c.yardstick?.name, target: 2.5, goal: 1.8 },
  { measure: 'status at 1,000 tasks, 1M rows, vs node -e 0', scenario: 'startup', matches: (c) => /^status --json \(1000 tasks, 1000000 rows\)$/.test(c.name), value: ratio, unit: 'x', yardstick: (c) => c.yardstick?.name, target: 3, goal: 2 },
  { measure: 'run --task of true, wall, vs node -e 0', scenario: 'startup', matches: (c) => /^run --task of true, wall \(1000 tasks, 1000000 rows\)$/.test(c.name), value: ratio, unit: 'x', yardstick: (c) => c.yardstick?.name, target: 3, goal: 2 },
  { measure: '100 tasks on one second, p99 start lateness, vs a bare shell forking the same', scenario: 'lateness', matches: (c) => c.name === 'busy: 100 tasks on * * * * * *', value: ratioToFloorP99, unit: 'x', yardstick: () => 'one /bin/sh forking all (os floor), p99', target: 1.3, goal: 1.1 },
  { measure: 'daemon idle RSS at 1,000 tasks (as the unit runs it; no HTTP request yet)', scenario: 'memory', matches: (c) => /^idle RSS, 1000 tasks, NODE_OPTIONS=/.test(c.name), value: medianOf, unit: ' MB', yardstick: rssFloors, target: 60, goal: 50 },
];

/** Bare Node's RSS, and the contract's stack alone (no conductor) when the scenario measured it: the floor under the daemon. */
function rssFloors(c, result) {
  const bare = `${c.yardstick?.name ?? 'bare node'} ${fmt(c.yardstick?.median, ' MB')}`;
  const stack = result.cases.find((x) => x.name.startsWith('idle RSS, the stack alone'));
  const asked = result.cases.find((x) => /^idle RSS, 1000 tasks, after GET/.test(x.name));
  return [bare, stack && `the stack alone ${fmt(stack.median, ' MB')}`, asked && `the daemon after a probe and a scrape ${fmt(asked.median, ' MB')}`].filter(Boolean).join('; ');
}

const fmt = (value, unit) => (value === null || value === undefined ? '-' : `${Math.round(value * 100) / 100}${unit}`);

/** The rows with this run's values: `results` are the scenarios' results (full size only count). */
export function issue17Rows(results) {
  return ISSUE_17_ROWS.map((row) => {
    const ran = results.find((r) => r.scenario === row.scenario);
    const result = ran?.size.startsWith('full') ? ran : undefined;
    const found = result?.cases.find(row.matches);
    if (!found) {
      const state = !ran ? `not run (npm run bench -- ${row.scenario})` : !result ? `not at full size (${ran.size})` : 'not measured';
      return { ...row, value: null, yardstickName: null, state };
    }
    const value = row.value(found);
    const state = value === null ? 'not measured' : value <= row.goal ? 'goal met' : value <= row.target ? 'target met' : 'MISSED';
    return { ...row, value, yardstickName: row.yardstick(found, result) ?? '-', state };
  });
}

/** The table, printed after the scenarios when any of the six rows' scenarios ran. */
export function formatIssue17(results) {
  const rows = issue17Rows(results);
  if (rows.every((r) => r.state.startsWith('not run'))) return '';
  const header = ['issue 17 measure', 'now', 'yardstick (same run)', 'target', 'goal', 'result'];
  const cells = rows.map((r) => [r.measure, fmt(r.value, r.unit), r.yardstickName ?? '-', `<= ${r.target}${r.unit}`, `<= ${r.goal}${r.unit}`, r.state]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return `${['== issue 17 ==', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')}\n`;
}
