#!/usr/bin/env node
// Profiles what a benchmark scenario measures, on the same generated homes, and prints where
// the time (or memory) goes. Usage: node bench/tools/profile.mjs WHAT [--out DIR] [--rows N]
//   status | next | history   the CLI on 1000 tasks / 1M rows (node --cpu-prof)
//   validate                  validate on the 10,000-task DAG (node --cpu-prof)
//   dag                       run --all, layered N=1000, 4 at once (node --cpu-prof)
//   busy                      the daemon with 100 tasks on * * * * * * for 15 s (node --cpu-prof)
//   idle-heap                 the daemon idle with 1000 yearly tasks (--heap-prof + memory breakdown)
//   store-rate                20,000 startAttempt+finishAttempt in-process (node --cpu-prof)
// Uses the current dist/ (run `npm run build` first). Profiles land in --out (default /tmp/conductor-prof/WHAT).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, CLI, DIST, NODE, buildHistoryHome, makeTempDir, removeDir, sleep, snapshotBuild, startDaemon, taskName, timeOk, writeConfig } from '../lib.mjs';
import { generateDag } from '../scenarios/dag.mjs';
import { randomDagTasks } from '../scenarios/validate.mjs';
import { yearlyTasks } from '../scenarios/memory.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } },
});
const what = positionals[0];
const out = values.out ?? path.join(os.tmpdir(), 'conductor-prof', what ?? 'x');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const cpu = ['--cpu-prof', `--cpu-prof-dir=${out}`];
const summary = (tool = 'cpuprofile-summary.mjs', extra = tool === 'cpuprofile-summary.mjs' ? ['--merge'] : []) => {
  const r = spawnSync(NODE, [path.join(BENCH_DIR, 'tools', tool), out, ...extra], { encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
};

// a private copy of dist/, as the suite does (others may rebuild in the middle)
const build = snapshotBuild(os.tmpdir());
process.on('exit', () => fs.rmSync(build.dir, { recursive: true, force: true }));
console.log(`build under test: dist sha256 ${build.dist_sha256}`);
const home = makeTempDir(`prof-${what}`);
try {
  switch (what) {
    case 'status':
    case 'next':
    case 'history': {
      await buildHistoryHome(home, { tasks: 1000, rows: Number(values.rows) });
      const args = what === 'status' ? ['status', '--json'] : what === 'next' ? ['next'] : ['history', '--task', 't00500', '--limit', '20'];
      for (let i = 0; i < Number(values.runs); i++) {
        const r = await timeOk(NODE, [...cpu, CLI, ...args, '--home', home]);
        console.log(`${what} under --cpu-prof: ${Math.round(r.ms)} ms`);
      }
      summary();
      break;
    }
    case 'validate': {
      writeConfig(home, { tasks: randomDagTasks(10_000, 11), settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
      for (let i = 0; i < Number(values.runs); i++) console.log(`validate: ${Math.round((await timeOk(NODE, [...cpu, CLI, 'validate', '--home', home])).ms)} ms`);
      summary();
      break;
    }
    case 'dag': {
      const deps = generateDag('layered', 1000, 7);
      writeConfig(home, {
        tasks: deps.map((d, i) => ({ name: taskName(i), command: 'true', ...(d.length ? { dependencies: d.map((x) => taskName(x)) } : {}) })),
        settings: { max_concurrent_tasks: 4, timezone: 'UTC' },
      });
      await timeOk(NODE, [CLI, 'run', '--all', '--home', home]);
      console.log(`run --all: ${Math.round((await timeOk(NODE, [...cpu, CLI, 'run', '--all', '--home', home])).ms)} ms`);
      summary();
      break;
    }
    case 'busy': {
      writeConfig(home, {
        tasks: Array.from({ length: 100 }, (_, i) => ({ name: taskName(i, 3), command: 'date +%s%N >> "$CONDUCTOR_HOME/fires/$CONDUCTOR_TASK"', schedule: '* * * * * *' })),
        settings: { max_concurrent_tasks: 100, timezone: 'UTC' },
      });
      fs.mkdirSync(path.join(home, 'fires'));
      const daemon = await startDaemon(home, { extraArgs: cpu });
      await sleep(15_000);
      await daemon.stop(60_000);
      summary();
      break;
    }
    case 'idle-heap': {
      writeConfig(home, { tasks: yearlyTasks(1000), settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
      const dump = path.join(out, 'memdump.jsonl');
      const env = { ...process.env, MEMDUMP_FILE: dump, MEMDUMP_EVERY_MS: '1000' };
      const daemon = await startDaemon(home, { env, extraArgs: ['--heap-prof', '--heap-prof-interval=16384', `--heap-prof-dir=${out}`, '--import', path.join(BENCH_DIR, 'tools', 'memdump.mjs')] });
      await sleep(12_000);
      await daemon.stop();
      const lines = fs.readFileSync(dump, 'utf8').trim().split('\n');
      console.log(`memory breakdown after ~12 s (process.memoryUsage, MB): ${lines[lines.length - 1]}`);
      summary('heapprofile-summary.mjs');
      break;
    }
    case 'store-rate': {
      const script = path.join(home, 'rate.mjs');
      fs.writeFileSync(
        script,
        `import { openRunStore } from ${JSON.stringify(path.join(DIST, 'adapters/sqlite/sqliteRunStore.js'))};
const store = openRunStore(${JSON.stringify(path.join(home, 'db', 'conductor.db'))}, { create: true });
const t0 = performance.now();
for (let i = 0; i < 20000; i++) {
  const now = Date.now();
  const run = { run_id: 'r' + i, task: 't' + (i % 1000), trigger: 'schedule' };
  store.createRun({ ...run, state: 'running', source: 'daemon', requested_at: now, fire_at: now, deadline: null, payload: null, reason: null });
  const id = store.startAttempt({ ...run, attempt: 1, started_at: now, fire_at: now, status: 'running' });
  store.attemptStarted(id, 'local:' + (10000 + i) + ':17', null, now);
  store.finishAttempt(id, { status: 'success', finished_at: now + 1, exit_code: 0, signal: null, reason: null });
  store.setRunState(run.run_id, 'success', { attempts: 1, finished_at: now + 1 });
}
console.log('runs/s', Math.round(20000 / ((performance.now() - t0) / 1000)));
store.close();
`,
      );
      const r = await timeOk(NODE, [...cpu, script], { capture: true });
      process.stdout.write(r.stdout);
      summary();
      break;
    }
    default:
      console.error('usage: node bench/tools/profile.mjs status|next|history|validate|dag|busy|idle-heap|store-rate [--out DIR]');
      process.exitCode = 1;
  }
} finally {
  removeDir(home);
}
console.log(`profiles in ${out}`);
