// Shared pieces of the benchmark suite: machine description, timing, statistics, temp homes,
// config generators, the CLI and the daemon as child processes, RSS sampling, results.
// Plain Node ESM on purpose: the suite measures the built CLI (dist/), as a user runs it.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(BENCH_DIR, '..');
export const NODE = process.execPath;
/** The build under test; snapshotBuild() points these at a private copy. */
export let DIST = path.join(REPO, 'dist');
export let CLI = path.join(DIST, 'cli', 'main.js');

export function requireBuild() {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does it)`);
}

/**
 * Copies dist/ (and package.json, for the version) to a private directory and points CLI and
 * DIST there, so a rebuild by someone else in the middle of a long run cannot change (or break)
 * the build under test. node_modules is a symlink to the repository's. Returns a hash of the copy.
 */
export function snapshotBuild(root) {
  const snap = fs.mkdtempSync(path.join(root, 'conductor-bench-build-'));
  fs.cpSync(path.join(REPO, 'dist'), path.join(snap, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(snap, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(snap, 'node_modules'), 'dir');
  DIST = path.join(snap, 'dist');
  CLI = path.join(DIST, 'cli', 'main.js');
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.map')) hash.update(path.relative(DIST, full)).update(fs.readFileSync(full));
    }
  };
  walk(DIST);
  return { dir: snap, dist_sha256: hash.digest('hex').slice(0, 16) };
}

// ---------------------------------------------------------------- machine

/** The filesystem type under `dir` (from /proc/mounts: the longest mount point that contains it). */
function fsTypeOf(dir) {
  try {
    const real = fs.realpathSync(dir);
    let best = { point: '', type: 'unknown', device: '' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, point, type] = line.split(' ');
      if (!point || !type) continue;
      const inside = real === point || real.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && point.length > best.point.length) best = { point, type, device };
    }
    return best;
  } catch {
    return { point: '', type: 'unknown', device: '' };
  }
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src', 'native'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    return { commit, src_dirty: changed.length > 0, src_changed: changed };
  } catch {
    return { commit: null, src_dirty: null, src_changed: [] };
  }
}

function makeVersion() {
  try {
    return execFileSync('make', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  const tmp = fsTypeOf(os.tmpdir());
  return {
    cpu_model: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memory_mb: Math.round(os.totalmem() / 2 ** 20),
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    tmpdir: os.tmpdir(),
    tmpdir_fs: tmp.type,
    make: makeVersion(),
    ...gitInfo(),
  };
}

// ---------------------------------------------------------------- statistics

export const round = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? x ?? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Nearest-rank percentile (p in 0..100) of a list of numbers; null for an empty list. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function stats(values) {
  if (values.length === 0) return { n: 0, min: null, median: null, p50: null, p90: null, p99: null, max: null, mean: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  // Not Math.min(...values): a fast yardstick gives hundreds of thousands of samples, past the
  // number of arguments a call can take (RangeError: Maximum call stack size exceeded).
  const min = values.reduce((a, b) => (b < a ? b : a));
  const max = values.reduce((a, b) => (b > a ? b : a));
  return {
    n: values.length,
    min: round(min, 3),
    median: round(median(values), 3),
    p50: round(percentile(values, 50), 3),
    p90: round(percentile(values, 90), 3),
    p99: round(percentile(values, 99), 3),
    max: round(max, 3),
    mean: round(mean, 3),
  };
}

/** A deterministic PRNG (mulberry32), so generated configs are the same on every run. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- cases and results

/**
 * One measured case: our samples against the yardstick's, measured in the same run.
 * `target`: { text, stat: 'median' | 'p99' | 'max' | 'ratio' | ..., op: '<=' | '>=', limit } or null.
 */
export function makeCase({ name, unit, samples, yardstick, target = null, extra = {}, statsOverride }) {
  const ours = statsOverride ?? stats(samples);
  const theirs = yardstick ? stats(yardstick.samples) : null;
  const ratio = theirs && theirs.median ? round(ours.median / theirs.median, 3) : null;
  const ratioP99 = theirs && theirs.p99 ? round(ours.p99 / theirs.p99, 3) : null;
  let met = null;
  if (target) {
    const value = target.stat === 'ratio' ? ratio : target.stat === 'ratio_p99' ? ratioP99 : ours[target.stat];
    met = value === null || value === undefined ? false : target.op === '>=' ? value >= target.limit : value <= target.limit;
  }
  return {
    name,
    unit,
    samples: samples.map((s) => round(s, 3)),
    ...ours,
    yardstick: yardstick ? { name: yardstick.name, unit, samples: yardstick.samples.map((s) => round(s, 3)), ...theirs } : null,
    ratio,
    ratio_p99: ratioP99,
    target,
    met,
    ...extra,
  };
}

export function resultsDirDefault() {
  return path.join(BENCH_DIR, 'results');
}

export function writeResult(dir, result) {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = result.started_at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, `${result.scenario}-${result.size}-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

function fmt(value, unit) {
  if (value === null || value === undefined) return '-';
  if (unit === 'runs/s') return `${Math.round(value)}`;
  if (Math.abs(value) >= 100) return `${Math.round(value)}`;
  return `${round(value, 2)}`;
}

function targetValueText(c) {
  if (!c.target) return '';
  const stat = c.target.stat;
  const value = c[stat];
  if (stat === 'ratio') return `${fmt(value)}x`;
  if (stat === 'ratio_p99') return `p99 ${fmt(value)}x`;
  return `${stat} ${fmt(value, c.unit)}`;
}

/** The short table every scenario prints. */
export function formatTable(result) {
  const header = ['case', 'unit', 'n', 'median', 'p99', 'max', 'yardstick', 'yard med', 'ratio', 'target', 'value', 'result'];
  const rows = result.cases.map((c) => [
    c.name,
    c.unit,
    String(c.n),
    fmt(c.median, c.unit),
    fmt(c.p99, c.unit),
    fmt(c.max, c.unit),
    c.yardstick?.name ?? '-',
    fmt(c.yardstick?.median, c.unit),
    c.ratio === null ? '-' : `${fmt(c.ratio)}x`,
    c.target?.text ?? '-',
    targetValueText(c),
    c.met === null ? '-' : result.size.startsWith('full') ? (c.met ? 'met' : 'MISSED') : c.met ? '(met)' : '(missed)',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`== ${result.scenario} (${result.size}) ==`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const c of result.cases) if (c.process_floor) out.push(`${c.name}: process floor (xargs starting /bin/sh -c true, the best of 1, one and two per core at once) median ${fmt(c.process_floor.median, 'runs/s')} shells/s${c.median ? `; the conductor at ${fmt(c.median / c.process_floor.median)}x of it` : ''}`);
  for (const c of result.cases) if (c.os_floor) out.push(`${c.name}: os floor (shell fan-out) p50 ${fmt(c.os_floor.p50)} p99 ${fmt(c.os_floor.p99)} max ${fmt(c.os_floor.max)} ms over ${c.os_floor.fires} fires`);
  if (!result.size.startsWith('full')) out.push('(not the full size: met/missed is not comparable with the targets)');
  for (const note of result.notes ?? []) out.push(`note: ${note}`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- temp homes and configs

/** Temp homes go under $CONDUCTOR_BENCH_TMP (run.mjs --tmp) or the system's temp dir. */
export function makeTempDir(label) {
  const root = process.env.CONDUCTOR_BENCH_TMP || os.tmpdir();
  return fs.mkdtempSync(path.join(root, `conductor-bench-${label}-`));
}

export function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function writeConfig(home, config) {
  // The daemon serves HTTP on 8080 by default: bench homes take a free port (status/http.url).
  if (!config.settings?.http) config = { ...config, settings: { ...config.settings, http: { port: 0 } } };
  const dir = path.join(home, 'config');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'conductor_config.json');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 1)}\n`);
  return file;
}

export const taskName = (i, width = 5) => `t${String(i).padStart(width, '0')}`;

/**
 * A realistic config of `n` tasks: a mix of daily, hourly, every-N-minutes and weekly
 * schedules; about a fifth depend on one or two earlier tasks (so the graph is a DAG).
 */
export function realisticTasks(n, seed = 42) {
  const random = rng(seed);
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    const schedule =
      kind === 0
        ? `${i % 60} ${(i * 7) % 24} * * *`
        : kind === 1
          ? `${i % 60} * * * *`
          : kind === 2
            ? `*/${5 + (i % 25)} * * * *`
            : kind === 3
              ? `${i % 60} ${(i * 3) % 24} * * ${i % 7}`
              : `${(i * 11) % 60} ${(i * 5) % 24} ${1 + (i % 28)} * *`;
    const task = { name: taskName(i), command: `echo task ${i}`, schedule };
    if (i > 0 && random() < 0.2) {
      const deps = new Set([taskName(Math.floor(random() * i))]);
      if (random() < 0.5) deps.add(taskName(Math.floor(random() * i)));
      task.dependencies = [...deps];
    }
    tasks.push(task);
  }
  return tasks;
}

// ---------------------------------------------------------------- child processes

/**
 * Runs a command to completion and times it (wall clock, spawn to exit, in ms).
 * stdout is read (and kept only if `capture`), so a chatty command is never blocked on a pipe.
 */
export function timeCommand(command, args, { cwd = REPO, env = process.env, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const out = [];
    const err = [];
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => capture && out.push(chunk));
    child.stderr.on('data', (chunk) => err.length < 64 && err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').slice(0, 4000) });
    });
  });
}

/** Like timeCommand, but a non-zero exit is an error that quotes the command's stderr. */
export async function timeOk(command, args, options) {
  const result = await timeCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${[command, ...args].join(' ')} exited ${result.code ?? result.signal}: ${result.stderr.trim().slice(0, 1500)}`);
  }
  return result;
}

export const cli = (args, options) => timeOk(NODE, [CLI, ...args], options);

/**
 * Alternates the sides round by round (A B, then B A, ...) so drift on a shared machine
 * falls on both; returns the samples of each side. `sides`: { name: async () => number }.
 */
export async function alternate(rounds, sides, { log = () => {} } = {}) {
  const names = Object.keys(sides);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const value = await sides[name]();
      samples[name].push(value);
      log(`  round ${r + 1}/${rounds} ${name}: ${round(value, 2)}`);
    }
  }
  return samples;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS of a process in MB (from /proc), or null when it is gone. */
export function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples the RSS of `pid` every `everyMs` until stopped; returns { stop(): samples[] } with {t, mb}. */
export function sampleRss(pid, everyMs = 50) {
  const samples = [];
  const t0 = Date.now();
  const take = () => {
    const mb = rssMb(pid);
    if (mb !== null) samples.push({ t: Date.now() - t0, mb });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    t0,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Waits until `check()` is truthy (polling), or throws after `timeoutMs`. */
export async function waitFor(check, timeoutMs, what, everyMs = 20) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * A long-running child (the daemon, or a yardstick) with its output in a file (never a pipe
 * nobody reads). `ready(child)` resolves when it is up. stop(): SIGTERM, then wait for exit.
 */
export async function startProcess(command, args, { cwd = REPO, env = process.env, outFile, ready, readyTimeoutMs = 30_000 }) {
  const fd = fs.openSync(outFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  child.on('error', () => {});
  const output = () => (fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8').slice(-3000) : '');
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${path.basename(args[0] ?? command)} exited early (${exited.code ?? exited.signal}): ${output()}`);
        return ready(child);
      },
      readyTimeoutMs,
      `${command} ${args.join(' ')} to be ready`,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    pid: child.pid,
    output,
    /** SIGTERM and wait; SIGKILL (and report it) if it has not exited after `graceMs`. */
    async stop(graceMs = 30_000) {
      if (!exited) child.kill('SIGTERM');
      const timer = sleep(graceMs).then(() => 'late');
      const how = await Promise.race([exit, timer]);
      if (how === 'late') {
        child.kill('SIGKILL');
        await exit;
        throw new Error(`pid ${child.pid} did not exit within ${graceMs} ms of SIGTERM: ${output()}`);
      }
      return exited;
    },
  };
}

/** The conductor daemon on `home`, ready once it has written its pid file and its banner. */
export function startDaemon(home, { env = process.env, extraArgs = [] } = {}) {
  const outFile = path.join(home, 'daemon.out');
  return startProcess(NODE, [...extraArgs, CLI, 'start', '--home', home], {
    env,
    outFile,
    ready: (child) => {
      try {
        const pid = Number(fs.readFileSync(path.join(home, 'conductor.pid'), 'utf8').trim());
        return pid === child.pid && fs.readFileSync(outFile, 'utf8').includes(' started: ');
      } catch {
        return false;
      }
    },
  });
}

/** The minimal Node scheduler (bench/yardstick/minimal-scheduler.mjs): the floor of timer + spawn. */
export function startMinimalScheduler(home, spec, { env = process.env, extraArgs = [] } = {}) {
  const specFile = path.join(home, 'minimal-spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const readyFile = path.join(home, 'minimal.ready');
  fs.rmSync(readyFile, { force: true });
  return startProcess(NODE, [...extraArgs, path.join(BENCH_DIR, 'yardstick', 'minimal-scheduler.mjs'), specFile], {
    env,
    outFile: path.join(home, 'minimal.out'),
    ready: () => fs.existsSync(readyFile),
  });
}

/** Bare Node, idle (a timer keeps it alive): the floor of any Node daemon's memory. */
export function startBareNode(home, { env = process.env, extraArgs = [] } = {}) {
  const readyFile = path.join(home, 'bare.ready');
  fs.rmSync(readyFile, { force: true });
  return startProcess(NODE, [...extraArgs, '-e', `require('fs').writeFileSync(${JSON.stringify(readyFile)}, ''); setInterval(() => {}, 1 << 30); process.on('SIGTERM', () => process.exit(0));`], {
    env,
    outFile: path.join(home, 'bare.out'),
    ready: () => fs.existsSync(readyFile),
  });
}

// ---------------------------------------------------------------- a home with a big history

/** The columns the bulk insert fills; must match src/adapters/sqlite/migrations.ts (checked at run time). */
const RUN_COLUMNS = [
  'run_id', 'task', 'attempt', 'trigger', 'status', 'started_at', 'finished_at', 'exit_code', 'signal',
  'duration_ms', 'reason', 'fire_at', 'handle', 'owner_pid', 'owner_start',
];
const RUN_ROW_COLUMNS = ['run_id', 'task', 'trigger', 'state', 'source', 'requested_at', 'fire_at', 'reason', 'attempts', 'finished_at'];

function runIdAt(ms, random) {
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${Math.floor(random() * 0x100000000).toString(16).padStart(8, '0')}`;
}

/**
 * A home as after months of use: `tasks` realistic tasks, `rows` history rows spread over the
 * last `spanDays` (inside the default 30-day retention), a health file per task. The database
 * is created by the CLI itself (`run --task` of one task), then rows are bulk-inserted in one
 * transaction with better-sqlite3, and the WAL is checkpointed (as the daemon's auto-checkpoint would).
 */
export async function buildHistoryHome(home, { tasks: taskCount, rows, seed = 1, spanDays = 29 }) {
  const tasks = realisticTasks(taskCount, seed);
  writeConfig(home, { tasks, settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
  await cli(['run', '--task', tasks[0].name, '--home', home]);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(home, 'status', 'conductor.db'));
  try {
    for (const [table, columns] of [['attempts', RUN_COLUMNS], ['runs', RUN_ROW_COLUMNS]]) {
      const info = db.prepare(`PRAGMA table_info(${table})`).all();
      const have = new Set(info.map((c) => c.name));
      const missing = columns.filter((c) => !have.has(c));
      const unfilled = info.filter((c) => !columns.includes(c.name) && c.notnull && c.dflt_value === null && !c.pk);
      if (missing.length > 0 || unfilled.length > 0) {
        throw new Error(`the ${table} table changed (missing ${missing.join(', ') || '-'}, new NOT NULL ${unfilled.map((c) => c.name).join(', ') || '-'}): update bench/lib.mjs`);
      }
    }
    const insert = db.prepare(`INSERT INTO attempts (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`);
    const insertRun = db.prepare(`INSERT INTO runs (${RUN_ROW_COLUMNS.join(', ')}) VALUES (${RUN_ROW_COLUMNS.map(() => '?').join(', ')})`);
    const random = rng(seed);
    const now = Date.now();
    const span = spanDays * 86_400_000;
    const start = now - span - 60_000;
    db.transaction(() => {
      for (let k = 0; k < rows; k++) {
        const task = tasks[k % taskCount].name;
        const startedAt = start + Math.floor((k * span) / rows);
        const roll = random();
        const status = roll < 0.95 ? 'success' : roll < 0.98 ? 'failed' : 'skipped';
        const duration = status === 'skipped' ? 0 : 5 + Math.floor(random() * 5000);
        const runId = runIdAt(startedAt, random);
        const reason = status === 'skipped' ? `dependency ${tasks[0].name} failed` : null;
        insert.run(
          runId, task, 1, 'schedule', status, startedAt, startedAt + duration,
          status === 'success' ? 0 : status === 'failed' ? 1 : null, null, duration,
          reason, startedAt - 3,
          status === 'skipped' ? null : `local:${10_000 + (k % 50_000)}:${1000 + k}`, 4242, 17,
        );
        insertRun.run(runId, task, 'schedule', status, 'daemon', startedAt, startedAt - 3, reason, status === 'skipped' ? 0 : 1, startedAt + duration);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const healthDir = path.join(home, 'status', 'automation_health');
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const task of tasks) fs.writeFileSync(path.join(healthDir, `${task.name}.health`), `success:${stamp}:0\n`);
  return { tasks };
}
