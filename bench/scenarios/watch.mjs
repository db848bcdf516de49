// Watched folders against seed 003's table (burst of 100 files: 20-30 files/s, p99 2 s; 1,000
// files/min: p99 500 ms): the daemon with one watch task (command `true`, workers 4), files
// written whole and renamed in (arrival = the rename). A burst of N files at once: files per
// second (N over first arrival to last run's end) and each file's latency (arrival to its run's
// attempt row, i.e. its start); a steady 1,000 files/min: latency; a burst of 10,000: RSS growth
// and the most runs the engine held at once. The yardstick is a minimal Node watcher (fs.watch,
// a pool of /bin/sh, a rename; bench/yardstick/minimal-watcher.mjs), measured in the same rounds.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BENCH_DIR, NODE, alternate, makeCase, makeTempDir, removeDir, round, sampleRss, sleep, startDaemon, startProcess, stats, waitFor, writeConfig } from '../lib.mjs';

export const description = 'watched folder: burst throughput, latency at 1,000 files/min, memory over a 10,000-file burst';

export const sizes = {
  full: { burst: [100, 1000], rounds: 3, workers: 4, settle_ms: 0, rate_files: 1000, rate_per_min: 1000, rate_rounds: 1, big_burst: 10000 },
  tiny: { burst: [20], rounds: 1, workers: 4, settle_ms: 0, rate_files: 10, rate_per_min: 1200, rate_rounds: 1, big_burst: 0 },
};

const now = () => performance.timeOrigin + performance.now();

/** Writes `count` files into a staging folder next to `dir`, then renames them in at `perMinute` (null: at once); returns arrival times. */
async function drop(dir, prefix, count, perMinute) {
  const stage = path.join(path.dirname(dir), 'stage');
  fs.mkdirSync(stage, { recursive: true });
  const arrivals = new Map();
  const t0 = now();
  for (let i = 0; i < count; i++) {
    if (perMinute) {
      const due = t0 + (i * 60_000) / perMinute;
      while (now() < due) await sleep(Math.max(0, Math.min(due - now(), 50)));
    }
    const name = `${prefix}-${String(i).padStart(6, '0')}.json`;
    fs.writeFileSync(path.join(stage, name), `{"n": ${i}}\n`);
    fs.renameSync(path.join(stage, name), path.join(dir, name));
    arrivals.set(name, now());
  }
  return arrivals;
}

const countIn = (dir, prefix) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith(prefix)).length : 0);

/** Start and end (ms) of each file's run, from the history. */
function runTimes(home, prefix) {
  const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true, timeout: 10_000 });
  try {
    const rows = db
      .prepare(
        `SELECT json_extract(r.payload, '$.file.name') AS name, a.started_at, a.finished_at FROM attempts a JOIN runs r ON r.run_id = a.run_id
         WHERE a.trigger = 'watch' AND json_extract(r.payload, '$.file.name') LIKE ?`,
      )
      .all(`${prefix}-%`);
    return new Map(rows.map((r) => [r.name, [r.started_at, r.finished_at]]));
  } finally {
    db.close();
  }
}

function measure(arrivals, times) {
  const latencies = [];
  let lastEnd = 0;
  for (const [name, arrived] of arrivals) {
    const t = times.get(name);
    if (!t) throw new Error(`no run recorded for ${name}`);
    latencies.push(t[0] - arrived);
    lastEnd = Math.max(lastEnd, t[1]);
  }
  const first = Math.min(...arrivals.values());
  return { latencies, filesPerSecond: arrivals.size / ((lastEnd - first) / 1000) };
}

function daemonHome(params) {
  const home = makeTempDir('watch');
  writeConfig(home, {
    tasks: [{ name: 'bench', command: 'true', watch: { path: 'in', settle_ms: params.settle_ms, workers: params.workers } }],
    settings: { timezone: 'UTC' },
  });
  fs.mkdirSync(path.join(home, 'in'), { recursive: true });
  return home;
}

async function conductorRound(home, prefix, count, perMinute) {
  const dir = path.join(home, 'in');
  const arrivals = await drop(dir, prefix, count, perMinute);
  await waitFor(() => countIn(path.join(dir, 'processed'), prefix) === count, 600_000, `${count} files processed`, 50);
  return measure(arrivals, runTimes(home, prefix));
}

async function minimalRound(params, prefix, count, perMinute) {
  const home = makeTempDir('watch-minimal');
  try {
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(home, 'times.json');
    const proc = await startProcess(NODE, [path.join(BENCH_DIR, 'yardstick', 'minimal-watcher.mjs'), dir, String(params.workers), 'true', out], {
      outFile: path.join(home, 'minimal.out'),
      ready: () => fs.existsSync(path.join(home, 'minimal.ready')),
    });
    const arrivals = await drop(dir, prefix, count, perMinute);
    await waitFor(() => countIn(path.join(dir, 'processed'), prefix) === count, 600_000, `${count} files (minimal watcher)`, 50);
    await proc.stop();
    return measure(arrivals, new Map(Object.entries(JSON.parse(fs.readFileSync(out, 'utf8')))));
  } finally {
    removeDir(home);
  }
}

export async function run(params, { log }) {
  const cases = [];
  const notes = [
    `files are written whole into a staging folder and renamed in (arrival = the rename); settle_ms ${params.settle_ms} (a writer that renames files in whole needs no settle time; with the default 200 ms every file waits that long first); command \`true\`, workers ${params.workers}`,
    "latency: a file's arrival to its run's start (its attempt row, written as the run starts, just before the spawn); files/s: N over first arrival to last run's end; in a burst the last file waits for all the others, so its latency is about N / (files/s)",
    'per file the conductor writes its watch row, the run and attempt rows, the task log header, the health file (fsynced, coalesced), moves the file (link+unlink) and writes its status file (fsynced)',
  ];
  const home = daemonHome(params);
  let daemon = null;
  try {
    daemon = await startDaemon(home);
    for (const size of [params.burst].flat()) {
      let round_ = 0;
      const latency = { conductor: [], minimal: [] };
      const samples = await alternate(params.rounds, {
        minimal: async () => {
          const m = await minimalRound(params, `m${size}-${round_}`, size, null);
          latency.minimal.push(...m.latencies);
          return m.filesPerSecond;
        },
        conductor: async () => {
          const m = await conductorRound(home, `b${size}-${round_++}`, size, null);
          latency.conductor.push(...m.latencies);
          return m.filesPerSecond;
        },
      }, { log });
      const targeted = size >= 1000;
      cases.push(
        makeCase({
          name: `burst of ${size} files, workers ${params.workers}`,
          unit: 'files/s',
          samples: samples.conductor,
          yardstick: { name: 'minimal fs.watch + sh pool', samples: samples.minimal },
          target: targeted ? { text: '>= 300 files/s (10x seed 003: 20-30)', stat: 'median', op: '>=', limit: 300 } : null,
        }),
        makeCase({
          name: `burst of ${size}: arrival to run start`,
          unit: 'ms',
          samples: latency.conductor,
          yardstick: { name: 'minimal fs.watch + sh pool', samples: latency.minimal },
          target: size <= 100 ? { text: 'p99 < 2000 ms (seed 003, 100 files: 2 s)', stat: 'p99', op: '<=', limit: 2000 } : null,
        }),
      );
    }
    const rate = { conductor: [], minimal: [] };
    let rateRound = 0;
    await alternate(params.rate_rounds, {
      minimal: async () => {
        const m = await minimalRound(params, `rm${rateRound}`, params.rate_files, params.rate_per_min);
        rate.minimal.push(...m.latencies);
        return 0;
      },
      conductor: async () => {
        const m = await conductorRound(home, `r${rateRound++}`, params.rate_files, params.rate_per_min);
        rate.conductor.push(...m.latencies);
        return 0;
      },
    }, { log });
    cases.push(
      makeCase({
        name: `${params.rate_per_min} files/min: arrival to run start`,
        unit: 'ms',
        samples: rate.conductor,
        yardstick: { name: 'minimal fs.watch + sh pool', samples: rate.minimal },
        target: { text: 'p99 < 100 ms (seed 003: 500 ms)', stat: 'p99', op: '<=', limit: 100 },
      }),
    );
    if (params.big_burst > 0) {
      // Memory as the shipped unit runs the daemon (NODE_OPTIONS=--max-semi-space-size=1, so RSS
      // shows what is kept rather than how large V8 lets its young generation grow), a fresh one.
      await daemon.stop(120_000);
      // bench/tools/memdump.mjs: every second a full GC, then the heap still in use (a leak grows it).
      const dumps = path.join(home, 'memory.jsonl');
      daemon = await startDaemon(home, {
        env: {
          ...process.env,
          NODE_OPTIONS: `--max-semi-space-size=1 --expose-gc --import ${path.join(BENCH_DIR, 'tools', 'memdump.mjs')}`,
          MEMDUMP_FILE: dumps,
          MEMDUMP_GC: '1',
          MEMDUMP_EVERY_MS: '1000',
        },
      });
      log(` burst of ${params.big_burst}: memory`);
      const before = stats(sampleRssFor(daemon.pid, 1000)).median ?? 0;
      const rss = sampleRss(daemon.pid, 200);
      let held = 0;
      const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true, timeout: 10_000 });
      const open = db.prepare("SELECT count(*) AS n FROM runs WHERE trigger = 'watch' AND state IN ('queued', 'running', 'retrying')");
      const watcher = setInterval(() => (held = Math.max(held, open.get().n)), 200);
      const started = now();
      const m = await conductorRound(home, 'big', params.big_burst, null);
      clearInterval(watcher);
      db.close();
      const series = rss.stop();
      const samplesMb = series.map((s) => s.mb);
      const grew = Math.max(...samplesMb) - before;
      // thirds of the burst, as the memory scenario: the first is warm-up; flat = the heap kept
      // after GC, last third vs middle third (medians)
      const heap = fs.readFileSync(dumps, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).heapUsed);
      const third = Math.floor(heap.length / 3);
      const middle = stats(heap.slice(third, 2 * third)).median ?? 0;
      const last = stats(heap.slice(2 * third)).median ?? 0;
      cases.push(
        makeCase({
          name: `burst of ${params.big_burst}: RSS growth (as the unit)`,
          unit: 'MB',
          samples: [grew],
          yardstick: { name: 'RSS before the burst', samples: [before] },
          target: { text: '< 50 MB (the queue is names)', stat: 'max', op: '<=', limit: 50 },
          extra: { files_per_second: round(m.filesPerSecond, 1), seconds: round((now() - started) / 1000, 1), most_runs_held_by_the_engine: held },
        }),
        makeCase({
          name: `burst of ${params.big_burst}: heap kept, last third vs middle third`,
          unit: 'MB',
          samples: [last - middle],
          yardstick: { name: 'heap kept after GC, middle third', samples: [middle] },
          target: { text: '< 2 MB (flat: memory does not grow with files)', stat: 'max', op: '<=', limit: 2 },
        }),
      );
      notes.push(`${params.big_burst}-file burst: ${round(m.filesPerSecond, 1)} files/s; the engine held at most ${held} watch runs at once (workers ${params.workers})`);
    }
  } finally {
    if (daemon) await daemon.stop(120_000);
    removeDir(home);
  }
  return { cases, notes };
}

/** A second of RSS samples (baseline before a burst). */
function sampleRssFor(pid, ms) {
  const values = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    values.push(Number(/VmRSS:\s+(\d+)/.exec(text)[1]) / 1024);
    const wait = Date.now() + 100;
    while (Date.now() < wait);
  }
  return values;
}
