// Memory of the daemon (VmRSS from /proc/PID/status):
//  idle     1000 tasks with yearly schedules far from now, after it settles; against bare Node idle;
//  output   growth while one task writes a lot of output (`head -c BYTES /dev/zero`, 1 GiB);
//           against the minimal Node scheduler running the same command;
//  week     a simulated week: many tasks on `* * * * * *` for a while, RSS at start vs end;
//           against the minimal Node scheduler doing the same fires.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  BENCH_DIR, NODE, REPO, alternate, makeCase, makeTempDir, median, removeDir, round, sampleRss, sleep, startBareNode, startDaemon,
  startMinimalScheduler, startProcess, taskName, waitFor, writeConfig,
} from '../lib.mjs';

export const description = 'daemon RSS: idle with 1000 tasks, growth while a task prints 1 GiB, growth over a simulated week';

export const sizes = {
  full: { idle_tasks: 1000, settle_seconds: 20, idle_rounds: 3, output_bytes: 2 ** 30, idle_as_unit: true, output_rounds: 2, output_lead_seconds: 10, week_tasks: 50, week_seconds: 120 },
  tiny: { idle_tasks: 10, settle_seconds: 1.5, idle_rounds: 1, output_bytes: 10 * 2 ** 20, idle_as_unit: false, output_rounds: 1, output_lead_seconds: 8, week_tasks: 3, week_seconds: 3.5 },
};

const MB = (x) => round(x, 2);

/**
 * Settled RSS: the median of the last 2 s of samples after `settle` seconds. 20 s at the full
 * size: V8's memory reducer gives back the start-up's garbage ~8-10 s after a start, so a 10 s
 * settle caught some rounds before it (stop 41: 73.5 / 68.6 / 73.1 MB for the same build).
 */
async function settledRss(pid, settleSeconds) {
  const sampler = sampleRss(pid, 100);
  await sleep(settleSeconds * 1000);
  const samples = sampler.stop();
  const tail = samples.filter((s) => s.t >= samples[samples.length - 1].t - 2000);
  return median(tail.map((s) => s.mb));
}

/** Yearly tasks at different minutes, in a month half a year away: nothing fires while we watch. */
export function yearlyTasks(n) {
  const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
  return Array.from({ length: n }, (_, i) => ({
    name: taskName(i),
    command: 'true',
    schedule: `${i % 60} ${Math.floor(i / 60) % 24} ${1 + (Math.floor(i / 1440) % 28)} ${month} *`,
  }));
}

/** NODE_OPTIONS as the shipped systemd unit sets them (Environment=NODE_OPTIONS=...), or null. */
export function unitNodeOptions() {
  try {
    const unit = fs.readFileSync(path.join(REPO, 'systemd', 'symphony-conductor.service'), 'utf8');
    const match = /^Environment=("?)NODE_OPTIONS=([^"\n]*)\1\s*$/m.exec(unit);
    return match ? match[2].trim() : null;
  } catch {
    return null;
  }
}

async function idleCase(params, log, nodeOptions = null) {
  const home = makeTempDir('mem-idle');
  try {
    const tasks = yearlyTasks(params.idle_tasks);
    writeConfig(home, { tasks, settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
    const env = nodeOptions ? { ...process.env, NODE_OPTIONS: nodeOptions } : process.env;
    const daemon = async () => {
      const proc = await startDaemon(home, { env });
      try {
        return await settledRss(proc.pid, params.settle_seconds);
      } finally {
        await proc.stop();
      }
    };
    // The daemon runs without V8's optimising compilers (src/cli/main.ts sets --max-opt=1 for
    // `start`): bare Node and the stack alone are given the same, as the unit runs the daemon.
    const sameFlags = nodeOptions ? ['--max-opt=1'] : [];
    const bare = async () => {
      const proc = await startBareNode(home, { env, extraArgs: sameFlags });
      try {
        return await settledRss(proc.pid, params.settle_seconds);
      } finally {
        await proc.stop();
      }
    };
    // As the unit runs it, also the stack alone (Fastify, prom-client, better-sqlite3, pino, ajv;
    // none of the conductor): the floor under the daemon's figure.
    const stack = async () => {
      const readyFile = path.join(home, 'stack.ready');
      fs.rmSync(readyFile, { force: true });
      const proc = await startProcess(NODE, [...sameFlags, path.join(BENCH_DIR, 'yardstick', 'stack-idle.mjs'), home], {
        env,
        outFile: path.join(home, 'stack.out'),
        ready: () => fs.existsSync(readyFile),
      });
      try {
        return await settledRss(proc.pid, params.settle_seconds);
      } finally {
        await proc.stop();
      }
    };
    // The daemon loads its HTTP application (Fastify, the routes) at the first request: also
    // measured after a probe and a scrape (GET /health, GET /metrics), as a monitored daemon is.
    const asked = async () => {
      const proc = await startDaemon(home, { env });
      try {
        const url = fs.readFileSync(path.join(home, 'status', 'http.url'), 'utf8').trim();
        for (const route of ['/health', '/metrics']) {
          const response = await fetch(`${url}${route}`);
          if (!response.ok) throw new Error(`GET ${route}: ${response.status}`);
          await response.arrayBuffer();
        }
        return await settledRss(proc.pid, params.settle_seconds);
      } finally {
        await proc.stop();
      }
    };
    const sides = nodeOptions ? { bare, stack, daemon, asked } : { bare, daemon };
    const samples = await alternate(params.idle_rounds, sides, { log: (l) => log(`${l} MB (idle)`) });
    const stackCase = samples.stack
      ? [
          makeCase({
            name: `idle RSS, the stack alone (Fastify with ajv, prom-client, better-sqlite3, pino; no conductor), NODE_OPTIONS=${nodeOptions} --max-opt=1`,
            unit: 'MB',
            samples: samples.stack,
            yardstick: { name: 'bare node, idle, same flags', samples: samples.bare },
          }),
        ]
      : [];
    const askedCase = samples.asked
      ? [
          makeCase({
            name: `idle RSS, ${params.idle_tasks} tasks, after GET /health and GET /metrics (its HTTP application loaded), NODE_OPTIONS=${nodeOptions}`,
            unit: 'MB',
            samples: samples.asked,
            yardstick: { name: 'bare node, idle, same flags', samples: samples.bare },
          }),
        ]
      : [];
    return [makeCase({
      name: `idle RSS, ${params.idle_tasks} tasks${nodeOptions ? `, NODE_OPTIONS=${nodeOptions} (as the unit; no HTTP request yet)` : ''}`,
      unit: 'MB',
      samples: samples.daemon,
      yardstick: { name: `bare node, idle${nodeOptions ? ', same flags (NODE_OPTIONS and --max-opt=1)' : ''}`, samples: samples.bare },
      // as shipped (the unit's NODE_OPTIONS): issue 17's 60 MB (goal 50); plainly, the first round's 80 MB
      target: nodeOptions ? { text: 'under 60 MB', stat: 'median', op: '<=', limit: 60 } : { text: 'under 80 MB', stat: 'median', op: '<=', limit: 80 },
    }), ...askedCase, ...stackCase];
  } finally {
    removeDir(home);
  }
}

/** The 6-field cron expression of one UTC instant (a whole second). */
function cronAt(ms) {
  const d = new Date(ms);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

async function outputCase(params, log) {
  const home = makeTempDir('mem-out');
  const command = `head -c ${params.output_bytes} /dev/zero`;
  const details = { conductor: [], minimal: [] };
  try {
    const side = (name) => async () => {
      fs.rmSync(path.join(home, 'logs'), { recursive: true, force: true });
      fs.rmSync(path.join(home, 'status', 'automation_health'), { recursive: true, force: true });
      const leadMs = params.output_lead_seconds * 1000;
      const at = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
      let proc;
      let logFile;
      if (name === 'conductor') {
        writeConfig(home, { tasks: [{ name: 'big', command, schedule: cronAt(at) }], settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
        proc = await startDaemon(home);
        logFile = path.join(home, 'logs', 'automation', 'big.log');
      } else {
        proc = await startMinimalScheduler(home, { home, tasks: [{ name: 'big', command }], once_at: at });
        logFile = path.join(home, 'logs', 'minimal', 'big.log');
      }
      try {
        if (Date.now() > at - 1000) throw new Error(`${name} took too long to start; the fire at ${new Date(at).toISOString()} is too close`);
        const sampler = sampleRss(proc.pid, 25);
        const done =
          name === 'conductor'
            ? () => fs.existsSync(path.join(home, 'status', 'automation_health', 'big.health'))
            : () => fs.existsSync(logFile) && fs.statSync(logFile).size >= params.output_bytes && !hasChildren(proc.pid);
        await waitFor(done, 60_000 + params.output_bytes / 5000, `the ${params.output_bytes}-byte run of ${name}`, 25);
        const finishedAt = Date.now();
        await sleep(500);
        const samples = sampler.stop();
        const rel = at - sampler.t0; // the fire instant on the sampler's clock
        const before = samples.filter((s) => s.t >= rel - 1500 && s.t < rel).map((s) => s.mb);
        const during = samples.filter((s) => s.t >= rel).map((s) => s.mb);
        const baseline = median(before.length > 0 ? before : samples.slice(0, 5).map((s) => s.mb));
        const peak = Math.max(...during);
        const size = fs.statSync(logFile).size;
        if (size < params.output_bytes) throw new Error(`${name}: the log holds ${size} bytes, fewer than ${params.output_bytes}`);
        details[name].push({ baseline_mb: MB(baseline), peak_mb: MB(peak), run_seconds: round((finishedAt - at) / 1000, 2), log_bytes: size, samples: during.length });
        return peak - baseline;
      } finally {
        await proc.stop();
        fs.rmSync(logFile, { force: true });
      }
    };
    const samples = await alternate(params.output_rounds, { minimal: side('minimal'), conductor: side('conductor') }, { log: (l) => log(`${l} MB growth (output)`) });
    return makeCase({
      name: `RSS growth while a task prints ${round(params.output_bytes / 2 ** 20, 0)} MiB`,
      unit: 'MB',
      samples: samples.conductor,
      yardstick: { name: 'minimal node scheduler', samples: samples.minimal },
      target: { text: 'under 10 MB', stat: 'max', op: '<=', limit: 10 },
      extra: { runs: details.conductor, yardstick_runs: details.minimal },
    });
  } finally {
    removeDir(home);
  }
}

/** Least-squares slope of RSS over time, in MB per minute. */
function slopeMbPerMin(samples) {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mm = samples.reduce((a, s) => a + s.mb, 0) / n;
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000;
}

function hasChildren(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

/** The week's runs so far: attempts that ran (skipped ones are not runs). */
function runsIn(home) {
  const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n FROM attempts WHERE status != 'skipped'").get().n;
  } finally {
    db.close();
  }
}

/**
 * One process through the simulated week, its RSS sampled every 250 ms. With `probe` (a file), it
 * runs bench/tools/gc-probe.mjs and is asked at a third of the way and at the end for what a full
 * collection leaves: the first third is start-up and warm-up.
 */
async function weekRun(start, params, probe) {
  const proc = await start();
  const sampler = sampleRss(proc.pid, 250);
  const probes = [];
  const ask = async () => {
    process.kill(proc.pid, 'SIGUSR2');
    const count = probes.length + 1;
    await waitFor(() => fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').trim().split('\n').length >= count, 10_000, 'the GC probe');
    probes.push(JSON.parse(fs.readFileSync(probe, 'utf8').trim().split('\n')[count - 1]));
  };
  if (probe) {
    await sleep((params.week_seconds * 1000) / 3);
    await ask();
    await sleep((params.week_seconds * 2000) / 3);
  } else await sleep(params.week_seconds * 1000);
  const samples = sampler.stop();
  if (probe) await ask();
  await proc.stop();
  // thirds: the first is start-up and heap warm-up (left out); growth = last third vs middle third
  const T = samples[samples.length - 1].t;
  const startWindow = samples.filter((s) => s.t >= T / 3 && s.t < (2 * T) / 3).map((s) => s.mb);
  const endWindow = samples.filter((s) => s.t >= (2 * T) / 3).map((s) => s.mb);
  const slope = slopeMbPerMin(samples.filter((s) => s.t >= T / 3));
  const after = (key) => (probes.length === 2 ? { third: MB(probes[0][key] / 2 ** 20), end: MB(probes[1][key] / 2 ** 20), growth: MB((probes[1][key] - probes[0][key]) / 2 ** 20) } : undefined);
  return {
    start_mb: MB(median(startWindow)),
    end_mb: MB(median(endWindow)),
    growth_mb: MB(median(endWindow) - median(startWindow)),
    slope_mb_per_min_after_warmup: round(slope, 3),
    min_mb: MB(Math.min(...samples.map((s) => s.mb))),
    max_mb: MB(Math.max(...samples.map((s) => s.mb))),
    heap_after_full_gc_mb: after('heapUsed'),
    rss_after_full_gc_mb: after('rss'),
    series: samples.filter((_, i) => i % 4 === 0).map((s) => [round(s.t / 1000, 1), MB(s.mb)]),
  };
}

/**
 * The daemon run plainly, against the minimal Node scheduler doing the same fires; then, with
 * `nodeOptions`, once more as the unit runs it, asked for its heap after full collections: RSS
 * between collections moves with where V8's next major collection falls (run plainly, its young
 * generation alone may take 32 MB), what a full collection leaves is what the daemon holds.
 */
async function weekCase(params, log, nodeOptions) {
  const homes = { conductor: makeTempDir('mem-week-c'), minimal: makeTempDir('mem-week-m'), unit: makeTempDir('mem-week-u') };
  const tasks = Array.from({ length: params.week_tasks }, (_, i) => ({ name: taskName(i, 3), command: 'true' }));
  for (const home of [homes.conductor, homes.unit]) {
    writeConfig(home, {
      tasks: tasks.map((t) => ({ ...t, schedule: '* * * * * *' })),
      settings: { max_concurrent_tasks: params.week_tasks, timezone: 'UTC' },
    });
  }
  const probes = { minimal: path.join(homes.minimal, 'gc-probe.jsonl'), unit: path.join(homes.unit, 'gc-probe.jsonl') };
  const probing = (name, env = process.env) => ({
    env: { ...env, BENCH_GC_PROBE: probes[name] },
    extraArgs: ['--expose-gc', '--import', path.join(BENCH_DIR, 'tools', 'gc-probe.mjs')],
  });
  const starts = {
    // Probed too: its heap after full GCs is the yardstick of the daemon's (its RSS barely moves with a GC)
    minimal: () => startMinimalScheduler(homes.minimal, { home: homes.minimal, tasks, every_second: true }, probing('minimal')),
    conductor: () => startDaemon(homes.conductor),
    unit: () => startDaemon(homes.unit, probing('unit', { ...process.env, NODE_OPTIONS: nodeOptions ?? '' })),
  };
  const info = {};
  try {
    for (const name of ['minimal', 'conductor', 'unit']) {
      info[name] = await weekRun(starts[name], params, probes[name] ?? null);
      // the minimal scheduler keeps no count; it fires the same seconds
      if (name !== 'minimal') info[name].runs = runsIn(homes[name]);
      log(`  week ${name}: ${JSON.stringify({ ...info[name], series: undefined })}`);
    }
    const runs = info.conductor.runs;
    const asUnit = nodeOptions ? `, as the unit runs it (NODE_OPTIONS=${nodeOptions})` : ', plainly';
    const yardstick = { name: 'minimal node scheduler', samples: [info.minimal.growth_mb] };
    const target = { text: 'no growth (under 5 MB)', stat: 'median', op: '<=', limit: 5 };
    return {
      runs,
      cases: [
        makeCase({
          name: `RSS growth over ${runs} runs (${params.week_tasks} tasks x ${params.week_seconds} s)`,
          unit: 'MB',
          samples: [info.conductor.growth_mb],
          yardstick,
          target,
          extra: { conductor: info.conductor, yardstick_detail: info.minimal },
        }),
        makeCase({
          name: `RSS growth over ${info.unit.runs} runs${asUnit}`,
          unit: 'MB',
          samples: [info.unit.growth_mb],
          yardstick,
          target,
          extra: { conductor: info.unit },
        }),
        makeCase({
          name: `JS heap after a full GC, growth over the last two thirds of ${info.unit.runs} runs`,
          unit: 'MB',
          samples: [info.unit.heap_after_full_gc_mb.growth],
          yardstick: { name: 'minimal node scheduler', samples: [info.minimal.heap_after_full_gc_mb.growth] },
          target: { text: 'no growth (under 1 MB)', stat: 'median', op: '<=', limit: 1 },
          extra: { conductor: info.unit, yardstick_detail: info.minimal },
        }),
      ],
    };
  } finally {
    for (const home of Object.values(homes)) removeDir(home);
  }
}

export async function run(params, { log }) {
  log(' idle');
  const idle = await idleCase(params, log);
  const nodeOptions = params.idle_as_unit ? unitNodeOptions() : null;
  const idleUnit = nodeOptions ? await idleCase(params, log, nodeOptions) : [];
  log(' output');
  const output = await outputCase(params, log);
  log(' week');
  const week = await weekCase(params, log, nodeOptions);
  const runsPerWeek = week.runs;
  return {
    cases: [...idle, ...idleUnit, output, ...week.cases],
    notes: [
      'RSS = VmRSS of the daemon process (node dist/cli/main.js start), from /proc/PID/status; every case runs it plainly, as the issue asks, and the idle and week cases once more with the NODE_OPTIONS the shipped systemd unit sets (the idle one beside the stack the contract names, alone (bench/yardstick/stack-idle.mjs: Fastify listening with an ajv-checked route, prom-client with the default metrics, better-sqlite3 on a WAL file, pino, node:crypto; each used once, none of the conductor)); the daemon runs without the optimising compilers of V8 (it sets --max-opt=1 itself for start), and bare Node and the stack alone are given the same flag in the case of the unit; its HTTP application (Fastify, the routes) loads at the first request, so the idle case of the unit is measured before any request and once more after GET /health and GET /metrics',
      `idle: tasks on yearly schedules (different minutes, a month half a year away); RSS settled = median of the last 2 s after ${params.settle_seconds} s`,
      'output: growth = peak RSS while the run lasts minus the median RSS of the 1.5 s before the fire; sampled every 25 ms; the task log is checked to hold every byte',
      `week (simulated): ${params.week_tasks} tasks on "* * * * * *" for ${params.week_seconds} s = ${runsPerWeek} runs, as many as a config of ~${Math.round((runsPerWeek ?? 0) / 168)} hourly tasks makes in a week; growth = median RSS of the last third of the run minus that of the middle third (the first third is start-up and heap warm-up, left out); the slope is fitted over the last two thirds. Then once more as the unit runs it (its NODE_OPTIONS, or none at the tiny size), with bench/tools/gc-probe.mjs loaded (--expose-gc): at a third of the way and at the end it runs a full GC and reports its heap and RSS; the heap case is the growth between the two, what the daemon retains. Not simulated: a week of wall-clock time (timers, the daily prune, log rotation), history of a week of rows in one go`,
      `ratio for growth cases compares against the yardstick's growth, which is close to 0: read the absolute numbers`,
    ],
  };
}
