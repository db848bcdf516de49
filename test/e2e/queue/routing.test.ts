// The queue executor end to end: a real redis-server, real worker processes, the built CLI.
// Each task's attempts go to a worker of its queue, run there under the worker's environment
// and home, and come back as history rows naming the worker, with the output in the task log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { startWorker, TestRedis, type TestWorker } from '../../helpers/redis.js';
import { exitOf, processAlive, rows, waitFor } from '../../helpers/wait.js';

let redis: TestRedis;
let cpu: TestWorker;
let gpu: TestWorker;

beforeAll(async () => {
  redis = await TestRedis.start();
  [cpu, gpu] = await Promise.all([
    startWorker(redis, 'cpu-1', { queues: 'default', env: { WORKER_ONLY: 'from-cpu-1' } }),
    startWorker(redis, 'gpu-1', { queues: 'gpu' }),
  ]);
  for (const worker of [cpu, gpu]) fs.mkdirSync(path.join(worker.home, 'sub'));
}, 60_000);

afterAll(async () => {
  for (const worker of [cpu, gpu]) worker?.child.kill('SIGTERM');
  await Promise.all([cpu, gpu].filter(Boolean).map((w) => exitOf(w.child)));
  await redis?.stop();
});

const executor = () => ({ type: 'queue', redis_url: redis.url });

function history(home: string): Array<Record<string, unknown>> {
  return JSON.parse(runCli(['history', '--json', '--limit', '100'], { home }).stdout);
}

describe('when tasks name queues', () => {
  it("runs each on a worker of its queue, in the worker's home and environment, not the scheduler's", () => {
    const report = 'echo "worker=$CONDUCTOR_WORKER pwd=$(pwd) task=$TASK_ENV daemon=${DAEMON_ONLY:-absent} own=${WORKER_ONLY:-absent}"';
    const home = makeHome({
      tasks: [
        { name: 'on_cpu', command: report, cwd: 'sub', env: { TASK_ENV: 'cpu-task' } },
        { name: 'on_gpu', command: report, queue: 'gpu', env: { TASK_ENV: 'gpu-task' } },
      ],
      settings: { executor: executor() },
    });
    const run = runCli(['run', '--all'], { home, env: { DAEMON_ONLY: 'leaked' } });
    expect(run.code).toBe(0);
    const log = (task: string) => fs.readFileSync(path.join(home, 'logs', 'automation', `${task}.log`), 'utf8');
    expect(log('on_cpu')).toContain(`worker=cpu-1 pwd=${fs.realpathSync(cpu.home)}/sub task=cpu-task daemon=absent own=from-cpu-1`);
    expect(log('on_gpu')).toContain(`worker=gpu-1 pwd=${fs.realpathSync(gpu.home)} task=gpu-task daemon=absent own=absent`);
    const byTask = Object.fromEntries(history(home).map((r) => [r.task, r]));
    expect(byTask.on_cpu).toMatchObject({ status: 'success', exit_code: 0, worker: 'cpu-1' });
    expect(byTask.on_gpu).toMatchObject({ status: 'success', exit_code: 0, worker: 'gpu-1' });
    expect(run.stdout).toContain('worker cpu-1');
  });

  it('runs a DAG across two workers in dependency order', () => {
    const home = makeHome({
      tasks: [
        { name: 'extract', command: 'echo extract' },
        { name: 'train', command: 'echo train', queue: 'gpu', dependencies: ['extract'] },
        { name: 'score', command: 'echo score', queue: 'gpu', dependencies: ['extract'] },
        { name: 'publish', command: 'echo publish', dependencies: ['train', 'score'] },
      ],
      settings: { executor: executor(), max_concurrent_tasks: 4 },
    });
    expect(runCli(['run', '--all'], { home }).code).toBe(0);
    const byTask = Object.fromEntries(history(home).map((r) => [r.task as string, r]));
    expect(Object.values(byTask).map((r) => [r.task, r.status, r.worker]).sort()).toEqual([
      ['extract', 'success', 'cpu-1'],
      ['publish', 'success', 'cpu-1'],
      ['score', 'success', 'gpu-1'],
      ['train', 'success', 'gpu-1'],
    ]);
    const at = (task: string, key: 'started_at' | 'finished_at') => Date.parse(byTask[task]?.[key] as string);
    for (const [upstream, downstream] of [['extract', 'train'], ['extract', 'score'], ['train', 'publish'], ['score', 'publish']] as const) {
      expect(at(downstream, 'started_at')).toBeGreaterThanOrEqual(at(upstream, 'finished_at'));
    }
  });

  it('stops a job at its timeout on the worker, the whole group with it', () => {
    const home = makeHome({
      tasks: [{ name: 'slow', command: 'sleep 30 & echo $! > bg.pid; sleep 30', timeout: 1, kill_grace: 0.5 }],
      settings: { executor: executor() },
    });
    expect(runCli(['run', '--task', 'slow'], { home }).code).toBe(8);
    expect(history(home)[0]).toMatchObject({ status: 'timeout', exit_code: 124, worker: 'cpu-1', reason: 'timed out after 1s; stopped by SIGTERM' });
    const background = Number(fs.readFileSync(path.join(cpu.home, 'bg.pid'), 'utf8'));
    expect(processAlive(background)).toBe(false);
  });

  it('stops the job on its worker when the foreground run is interrupted', async () => {
    const home = makeHome({ tasks: [{ name: 'long', command: 'echo $$ > long.pid; sleep 60', kill_grace: 1 }], settings: { executor: executor() } });
    fs.rmSync(path.join(cpu.home, 'long.pid'), { force: true });
    const run = spawnCli(['run', '--task', 'long'], { home });
    const pidFile = path.join(cpu.home, 'long.pid');
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 'the job to start on the worker');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    run.kill('SIGINT');
    expect((await exitOf(run)).code).toBe(3);
    expect(processAlive(pid)).toBe(false);
    expect(history(home)[0]).toMatchObject({ status: 'interrupted', worker: 'cpu-1', reason: 'interrupted by SIGINT' });
  });

  it('lands the output of a remote run in the task log as it is produced, for logs -f', async () => {
    const home = makeHome({
      tasks: [{ name: 'chatty', command: 'echo first line; while [ ! -f go ]; do sleep 0.05; done; echo second line' }],
      settings: { executor: executor() },
    });
    fs.rmSync(path.join(cpu.home, 'go'), { force: true });
    const run = spawnCli(['run', '--task', 'chatty'], { home });
    await waitFor(() => rows(home).some((r) => r.status === 'running'), 'the run to start');
    const follow = spawnCli(['logs', '--task', 'chatty', '-f'], { home });
    let followed = '';
    follow.stdout?.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    await waitFor(() => followed.includes('first line'), 'logs -f to show the first line while the job runs');
    expect(rows(home)[0]?.status).toBe('running');
    fs.writeFileSync(path.join(cpu.home, 'go'), '');
    await waitFor(() => followed.includes('second line'), 'logs -f to show the second line');
    expect((await exitOf(run)).code).toBe(0);
    follow.kill('SIGTERM');
    await exitOf(follow);
  });

  it('status lists the executor and its workers', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }], settings: { executor: executor() } });
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(status.executor).toMatchObject({ type: 'queue', connected: true, reason: null });
    const workers = status.executor.workers.map((w: Record<string, unknown>) => [w.name, w.queues, w.running, w.alive]);
    expect(workers).toEqual([
      ['cpu-1', ['default'], 0, true],
      ['gpu-1', ['gpu'], 0, true],
    ]);
    expect(Date.parse(status.executor.workers[0].last_seen)).not.toBeNaN();
  });

  it('a second worker with the name of a live one refuses to start: says why and exits 1 at once', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-worker-twin-'));
    const twin = spawnCli(['worker', '--redis', redis.url, '--name', 'cpu-1'], { home });
    let output = '';
    twin.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    twin.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => twin.kill('SIGKILL'), 15_000); // it stayed alive before
    const { code } = await exitOf(twin);
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(output).toMatch(/a worker named cpu-1 is already running \(pid \d+ on .+\); give this one another --name/);
  });
});
