// The queue executor: (1) the 1000-task layered DAG of the dag scenario, `run --all` through
// two local workers (BullMQ on a local redis-server), against the local executor and make -j4
// in the same run; (2) jobs per second through one Redis: the queue executor (in this process)
// sending `true` jobs to two worker processes, and, as the transport's ceiling, bare BullMQ
// (add, a no-op processor, completion) on the same Redis. The jobs/s case also records the CPU
// each job costs (user+sys of the scheduler side, of each worker with its spawn helper and
// shells, and of redis-server, over the round, divided by the jobs): a shared machine's load
// moves jobs/s much more than it moves CPU per job. Beside them, the process floor: `/bin/sh -c
// true` started by xargs (1, one per core, two per core at once; the best of the three), no Node
// and no Redis: what this machine's kernel allows for starting shells (a VM slow at fork and page
// faults puts it below 1,000 a second, and no executor of real processes goes much faster).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DIST, NODE, REPO, alternate, makeCase, makeTempDir, removeDir, round, sleep, startProcess, stats, taskName, timeOk, waitFor, writeConfig } from '../lib.mjs';
import { generateDag } from './dag.mjs';

export const description = 'queue executor: layered DAG through 2 workers vs local and make -j4; jobs/s through one Redis';

export const sizes = {
  full: { n: 1000, rounds: 3, jobs: 4, seed: 7, workers: 2, throughput_jobs: 5000, throughput_warmup: 2000, in_flight: 400, worker_concurrency: 100, throughput_rounds: 3 },
  tiny: { n: 10, rounds: 1, jobs: 4, seed: 7, workers: 2, throughput_jobs: 50, throughput_warmup: 20, in_flight: 20, worker_concurrency: 10, throughput_rounds: 1 },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(dir) {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise((_, reject) => redis.on('error', (error) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${error.message}`))));
  const ready = waitFor(
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
        socket.on('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
        socket.on('error', () => resolve(false));
      }),
    15_000,
    'redis-server',
  );
  await Promise.race([ready, failed]);
  return { url: `redis://127.0.0.1:${port}/0`, pid: redis.pid, stop: () => new Promise((resolve) => (redis.on('exit', resolve), redis.kill('SIGTERM'))) };
}

async function startWorkers(redis, count, concurrency, prefix, dir) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${i + 1}`;
    const home = path.join(dir, name);
    fs.mkdirSync(home, { recursive: true });
    const args = [CLI, 'worker', '--redis', redis.url, '--prefix', prefix, '--name', name, '--concurrency', String(concurrency), '--home', home];
    workers.push(await startProcess(NODE, args, { outFile: path.join(dir, `${name}.out`), ready: () => fs.readFileSync(path.join(dir, `${name}.out`), 'utf8').includes(`worker ${name} started`) }));
  }
  return { pids: workers.map((w) => w.pid), stop: () => Promise.all(workers.map((w) => w.stop())) };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user+sys) of a process, and, with `tree`, of its live descendants and every child they reaped. */
function cpuSeconds(pid, tree = false) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let seconds = (Number(f[11]) + Number(f[12]) + (tree ? Number(f[13]) + Number(f[14]) : 0)) / TICKS;
    if (tree) {
      for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
        const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(' ') : []) seconds += cpuSeconds(Number(child), true);
      }
    }
    return seconds;
  } catch {
    return 0; // gone in between
  }
}

/** The CPU of the processes of the jobs/s case, read before and after a round. */
function cpuSnapshot(redis, workerPids) {
  const own = process.cpuUsage();
  return { scheduler: (own.user + own.system) / 1e6, workers: workerPids.map((pid) => cpuSeconds(pid, true)), redis: cpuSeconds(redis.pid) };
}

function cpuPerJobMs(before, after, jobs) {
  const ms = (seconds) => round((seconds * 1000) / jobs, 3);
  const workers = after.workers.reduce((sum, s, i) => sum + s - before.workers[i], 0);
  const scheduler = after.scheduler - before.scheduler;
  const redis = after.redis - before.redis;
  return { scheduler: ms(scheduler), workers: ms(workers), redis: ms(redis), total: ms(scheduler + workers + redis) };
}

function dagConfig(n, seed, executor) {
  const deps = generateDag('layered', n, seed);
  return {
    tasks: deps.map((d, i) => ({ name: taskName(i), command: 'true', ...(d.length > 0 ? { dependencies: d.map((x) => taskName(x)) } : {}) })),
    settings: { max_concurrent_tasks: 4, timezone: 'UTC', ...(executor ? { executor } : {}) },
    makefile: deps,
  };
}

async function dagCases(params, redis, root, log) {
  const homes = { local: path.join(root, 'local'), queue: path.join(root, 'queue') };
  const { makefile, ...config } = dagConfig(params.n, params.seed, null);
  writeConfig(homes.local, config);
  writeConfig(homes.queue, { ...config, settings: { ...config.settings, executor: { type: 'queue', redis_url: redis.url, prefix: 'dag' } } });
  const names = makefile.map((_, i) => taskName(i));
  const lines = [`.PHONY: all ${names.join(' ')}`, `all: ${names.join(' ')}`];
  makefile.forEach((d, i) => lines.push(`${names[i]}:${d.map((x) => ` ${names[x]}`).join('')}`, '\t@/bin/sh -c true'));
  fs.writeFileSync(path.join(homes.local, 'Makefile'), `${lines.join('\n')}\n`);
  const workers = await startWorkers(redis, params.workers, params.jobs, 'dag', path.join(root, 'dag-workers'));
  try {
    const runAll = (home) => async () => {
      const result = await timeOk(NODE, [CLI, 'run', '--all', '--json', '--home', home], { capture: true });
      const ok = JSON.parse(result.stdout).filter((o) => o.status === 'success').length;
      if (ok !== params.n) throw new Error(`run --all in ${home}: ${ok} of ${params.n} tasks succeeded`);
      return result.ms;
    };
    const make = async () => (await timeOk('make', ['-r', '-s', `-j${params.jobs}`, '-f', 'Makefile', 'all'], { cwd: homes.local })).ms;
    const sides = { make, local: runAll(homes.local), queue: runAll(homes.queue) };
    log(` layered N=${params.n}: warm-up`);
    for (const side of Object.values(sides)) await side();
    const samples = await alternate(params.rounds, sides, { log });
    const perTask = (values) => round(values.sort((a, b) => a - b)[values.length >> 1] / params.n, 3);
    return [
      makeCase({
        name: `layered N=${params.n}, queue executor, ${params.workers} workers`,
        unit: 'ms',
        samples: samples.queue,
        yardstick: { name: 'local executor', samples: samples.local },
        target: { text: 'within 2x of the local executor', stat: 'ratio', op: '<=', limit: 2 },
        extra: { per_task_ms: perTask([...samples.queue]), make_median_ms: round(samples.make.sort((a, b) => a - b)[samples.make.length >> 1], 1) },
      }),
      makeCase({ name: `layered N=${params.n}, local executor`, unit: 'ms', samples: samples.local, yardstick: { name: `make -j${params.jobs}`, samples: samples.make }, extra: { per_task_ms: perTask([...samples.local]) } }),
    ];
  } finally {
    await workers.stop();
  }
}

/** `count` jobs of `true` through the queue executor, `inFlight` at a time: jobs per second. */
async function executorRate({ QueueExecutor, StopController }, redis, count, inFlight, dir) {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, flush() {} };
  const executor = new QueueExecutor({ url: redis.url, prefix: 'rate', home: dir, queues: ['default'], logger });
  const out = path.join(dir, 'out.log');
  const fd = fs.openSync(out, 'a');
  let next = 0;
  const stamp = Date.now();
  const one = async () => {
    while (next < count) {
      const i = next++;
      const end = await executor.run(
        { run_id: `r${stamp}x${i}`, task: 'rate', attempt: 1, trigger: 'manual', command: 'true', cwd: dir, env: {}, timeoutMs: 60_000, killGraceMs: 1000, output: { fd, path: out }, signal: new StopController().signal },
        () => {},
      );
      if (end.exitCode !== 0) throw new Error(`a job ended ${JSON.stringify(end)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, one));
  const seconds = (performance.now() - started) / 1000;
  await executor.close();
  fs.closeSync(fd);
  return count / seconds;
}

/** `count` runs of `/bin/sh -c true`, `parallel` at once, started by xargs: shells a second. */
function shellRate(count, parallel) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/bin/sh', ['-c', `seq ${count} | xargs -P ${parallel} -n 1 /bin/sh -c true`], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(count / ((performance.now() - started) / 1000)) : reject(new Error(`the shell fan-out exited ${code}`))));
  });
}

/**
 * The most shells a second this machine starts: `count` of them at 1, one per core and two per
 * core at once, the best of the three (on some VMs forks contend and one at a time is fastest).
 */
async function shellFloor(count) {
  const cores = os.availableParallelism();
  let best = 0;
  for (const parallel of [1, cores, 2 * cores]) best = Math.max(best, await shellRate(count, parallel));
  return best;
}

/** Bare BullMQ on the same Redis: add `count` jobs, a no-op processor, until all completed. */
async function bullmqRate(count, concurrency, url) {
  const { Queue, Worker } = await import('bullmq');
  const { port } = new URL(url);
  const connection = { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null };
  const name = `bare-${Date.now()}`;
  const queue = new Queue(name, { connection });
  let done = 0;
  let finish;
  const all = new Promise((resolve) => (finish = resolve));
  const worker = new Worker(name, async () => 0, { connection, concurrency });
  worker.on('completed', () => ++done === count && finish());
  const started = performance.now();
  for (let i = 0; i < count; i += 500) await queue.addBulk(Array.from({ length: Math.min(500, count - i) }, (_, k) => ({ name: 'x', data: { i: i + k }, opts: { removeOnComplete: true } })));
  await all;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return count / seconds;
}

export async function run(params, { log }) {
  const root = makeTempDir('queue');
  const redis = await startRedis(root);
  try {
    const cases = await dagCases(params, redis, root, log);
    // The stop signal the engine gives each attempt (an AbortController's cost ~60 us more a job,
    // making it and the executor's listener on it, which the scheduler does not pay).
    const modules = {
      ...(await import(pathToFileURL(path.join(DIST, 'adapters', 'queue', 'queueExecutor.js')).href)),
      ...(await import(pathToFileURL(path.join(DIST, 'core', 'stopSignal.js')).href)),
    };
    const workers = await startWorkers(redis, params.workers, params.worker_concurrency, 'rate', path.join(root, 'rate-workers'));
    let rate;
    const cpu = [];
    const load = [];
    try {
      await executorRate(modules, redis, params.throughput_warmup, params.in_flight, root); // warm-up
      await sleep(200);
      rate = await alternate(
        params.throughput_rounds,
        {
          conductor: async () => {
            load.push(round(os.loadavg()[0], 2));
            const before = cpuSnapshot(redis, workers.pids);
            const jobsPerSecond = await executorRate(modules, redis, params.throughput_jobs, params.in_flight, root);
            cpu.push(cpuPerJobMs(before, cpuSnapshot(redis, workers.pids), params.throughput_jobs));
            log(`   CPU ms per job ${JSON.stringify(cpu[cpu.length - 1])}, load average ${load[load.length - 1]}`);
            return jobsPerSecond;
          },
          bullmq: () => bullmqRate(params.throughput_jobs, params.worker_concurrency, redis.url),
          floor: () => shellFloor(Math.min(params.throughput_jobs, 1000)),
        },
        { log },
      );
    } finally {
      await workers.stop();
    }
    cases.push(
      makeCase({
        name: `jobs/s, ${params.throughput_jobs} jobs of \`true\`, ${params.workers} workers`,
        unit: 'jobs/s',
        samples: rate.conductor,
        yardstick: { name: 'bare BullMQ, no-op processor', samples: rate.bullmq },
        target: { text: 'at least 1,000 jobs/s', stat: 'median', op: '>=', limit: 1000 },
        extra: {
          in_flight: params.in_flight,
          worker_concurrency: params.worker_concurrency,
          cpu_ms_per_job: cpu,
          load_average_1m: load,
          process_floor: { ...stats(rate.floor), unit: 'shells/s', samples: rate.floor.map((x) => round(x, 3)) },
        },
      }),
    );
    return {
      cases,
      notes: [
        'one local redis-server (no persistence) started by the scenario; the workers are `symphony-conductor worker` processes on this machine',
        'DAG: run --all --json, max_concurrent_tasks 4, each worker --concurrency 4; the three sides alternate round by round after one warm-up each',
        'CPU per job (jobs/s case, each round): user+sys of the bench process (scheduler side), of both workers with their spawn helpers and shells, and of redis-server, over the jobs; load_average_1m at the start of each round',
        'jobs/s: the queue executor runs in the bench process (the scheduler side), each job a real `/bin/sh -c true` on a worker, its start, output stream and end followed; the yardstick is bare BullMQ with a no-op processor: what one Redis carries without our process and streams',
        `jobs/s: the process floor is ${Math.min(params.throughput_jobs, 1000)} \`/bin/sh -c true\` started by \`xargs -P\` 1, ${os.availableParallelism()} and ${2 * os.availableParallelism()} at once, the best of the three, no Node, no Redis: about the most shells a second this machine starts; where it is near or below 1,000, so is any executor of real processes`,
        `jobs/s: the workers first run ${params.throughput_warmup} jobs unmeasured, as a long-lived worker has: over its first few thousand jobs V8 is still compiling the hot paths (a worker's node CPU was ~0.8 ms a job over its first 5,000 against ~0.45 ms after; 200 were run before 2026-11-30)`,
      ],
    };
  } finally {
    await redis.stop();
    removeDir(root);
  }
}
