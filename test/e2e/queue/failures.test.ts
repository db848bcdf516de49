// The queue executor when things go wrong, with a real redis-server and real worker processes:
// a worker killed mid-run, a worker told to stop, Redis stopped and restarted under a running
// daemon, and a conductor that died with a job still waiting in the queue.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../helpers/cleanups.js';
import { makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { jobProcessesOf, startWorker, TestRedis } from '../../helpers/redis.js';
import { exitOf, processAlive, rows, waitFor } from '../../helpers/wait.js';

const cleanups = cleanupsAfterEach();
const { track } = cleanups;

async function redisForTest(): Promise<TestRedis> {
  const redis = await TestRedis.start();
  cleanups.push(() => redis.stop());
  return redis;
}

function shared(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-shared-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('when a worker is killed mid-run (kill -9)', () => {
  it('records the attempt interrupted naming the worker, within 30 s, and retries it on another worker, never both at once', async () => {
    const redis = await redisForTest();
    const dir = shared();
    const doomedTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doomed-tmp-'));
    const doomed = await startWorker(redis, 'doomed', { queues: 'solo', env: { TMPDIR: doomedTmp } });
    track(doomed.child);
    const home = makeHome({
      tasks: [
        {
          name: 'job',
          queue: 'solo',
          retry_count: 1,
          retry_delay: 0,
          env: { SHARED: dir },
          command: 'echo $$ > "$SHARED/pid.$CONDUCTOR_ATTEMPT"; if [ "$CONDUCTOR_ATTEMPT" = 1 ]; then sleep 120; fi; echo "done by $CONDUCTOR_WORKER"',
        },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url } },
    });
    const run = track(spawnCli(['run', '--task', 'job'], { home }));
    await waitFor(() => fs.existsSync(path.join(dir, 'pid.1')) && fs.readFileSync(path.join(dir, 'pid.1'), 'utf8').trim(), 'attempt 1 to start');
    const first = Number(fs.readFileSync(path.join(dir, 'pid.1'), 'utf8'));
    doomed.child.kill('SIGKILL');
    await exitOf(doomed.child);
    // Its job dies with it: nothing of attempt 1 runs on beside the retry.
    await waitFor(() => !processAlive(first) && jobProcessesOf('doomed').length === 0, "the dead worker's job to be gone");
    expect(fs.readdirSync(doomedTmp)).toEqual([]); // its output file was unlinked when opened, and it had no folder
    await waitFor(() => rows(home).find((r) => r.attempt === 1 && r.status === 'interrupted'), 'the lost worker to be noticed', 30_000);
    // status lists it, not alive, and running nothing (its last heartbeat said 1).
    const dead = await waitFor(() => {
      const status = JSON.parse(runCli(['status', '--json'], { home }).stdout) as { executor: { workers: { name: string; alive: boolean; running: number }[] } };
      const listed = status.executor.workers.find((w) => w.name === 'doomed');
      return listed && !listed.alive && listed;
    }, 'status to list the dead worker as not alive', 20_000);
    expect(dead.running).toBe(0);
    const rescuer = await startWorker(redis, 'rescuer', { queues: 'solo' });
    track(rescuer.child);
    expect((await exitOf(run)).code).toBe(0);
    const history = JSON.parse(runCli(['history', '--json'], { home }).stdout);
    expect(history.map((r: Record<string, unknown>) => [r.attempt, r.status, r.worker, r.reason])).toEqual([
      [2, 'success', 'rescuer', null],
      [1, 'interrupted', 'doomed', 'worker doomed lost'],
    ]);
    expect(fs.readFileSync(path.join(home, 'logs', 'automation', 'job.log'), 'utf8')).toContain('done by rescuer');
  }, 90_000);
});

/** A TCP proxy to Redis that can be cut: what a worker sees when its network to Redis goes. */
async function cuttableProxy(redis: TestRedis): Promise<{ url: string; cut(): void }> {
  const target = new URL(redis.url);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  cleanups.push(cut);
  return { url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}${target.pathname}`, cut };
}

describe('when a worker is cut off from Redis mid-run while the scheduler is not', () => {
  it('stops its job before the lock expires, so the retry on another worker never runs beside it', async () => {
    const redis = await redisForTest();
    const proxy = await cuttableProxy(redis);
    const dir = shared();
    const island = await startWorker({ url: proxy.url } as TestRedis, 'island', { queues: 'solo' });
    track(island.child);
    const home = makeHome({
      tasks: [
        {
          name: 'job',
          queue: 'solo',
          retry_count: 1,
          retry_delay: 0,
          env: { SHARED: dir },
          command: 'echo $$ > "$SHARED/pid.$CONDUCTOR_ATTEMPT"; if [ "$CONDUCTOR_ATTEMPT" = 1 ]; then sleep 120; fi; echo "done by $CONDUCTOR_WORKER"',
        },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url } },
    });
    const run = track(spawnCli(['run', '--task', 'job'], { home }));
    await waitFor(() => fs.existsSync(path.join(dir, 'pid.1')) && fs.readFileSync(path.join(dir, 'pid.1'), 'utf8').trim(), 'attempt 1 to start');
    const first = Number(fs.readFileSync(path.join(dir, 'pid.1'), 'utf8'));
    const other = await startWorker(redis, 'mainland', { queues: 'solo' });
    track(other.child);
    proxy.cut();
    // Each time attempt 2 is seen started, attempt 1 must be gone already.
    const overlap = await waitFor(() => {
      if (!fs.existsSync(path.join(dir, 'pid.2'))) return null;
      return { firstAlive: processAlive(first) };
    }, 'the retry to start on the other worker', 40_000);
    expect(overlap.firstAlive).toBe(false);
    expect((await exitOf(run)).code).toBe(0);
    const history = JSON.parse(runCli(['history', '--json'], { home }).stdout);
    expect(history.map((r: Record<string, unknown>) => [r.attempt, r.status, r.worker])).toEqual([
      [2, 'success', 'mainland'],
      [1, 'interrupted', 'island'],
    ]);
    expect(island.output()).toContain('stopping a job whose lock could not be renewed');
  }, 90_000);
});

describe('when a worker is told to stop (SIGTERM, or SIGHUP: its terminal closed)', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)('on %s takes no new job, lets the running one finish within the drain timeout, and exits 0', async (signal) => {
    const redis = await redisForTest();
    const worker = await startWorker(redis, 'leaving', { concurrency: 1, drainTimeout: 60 });
    track(worker.child);
    const gate = path.join(worker.home, 'go');
    const home = makeHome({
      tasks: [
        { name: 'first', command: 'touch first.started; while [ ! -f go ]; do sleep 0.05; done' },
        { name: 'second', command: 'echo second ran by $CONDUCTOR_WORKER' },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url }, max_concurrent_tasks: 2 },
    });
    const run = track(spawnCli(['run', '--all'], { home }));
    await waitFor(() => fs.existsSync(path.join(worker.home, 'first.started')), 'the first job to run');
    await waitFor(() => rows(home).filter((r) => r.status === 'queued').length === 1, 'the second job to wait in the queue');
    worker.child.kill(signal);
    await waitFor(() => worker.output().includes('worker stopping'), 'the worker to start draining');
    fs.writeFileSync(gate, '');
    expect((await exitOf(worker.child)).code).toBe(0);
    expect(rows(home).find((r) => r.task === 'first')?.status).toBe('success');
    expect(rows(home).find((r) => r.task === 'second')?.status).toBe('queued');
    const next = await startWorker(redis, 'next');
    track(next.child);
    expect((await exitOf(run)).code).toBe(0);
    expect(rows(home).find((r) => r.task === 'second')).toMatchObject({ status: 'success' });
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(status.executor.workers.map((w: { name: string }) => w.name)).toEqual(['next']);
  }, 60_000);

  it('stops a job still running at the drain timeout: interrupted, naming the worker', async () => {
    const redis = await redisForTest();
    const worker = await startWorker(redis, 'impatient', { drainTimeout: 0.5 });
    track(worker.child);
    const home = makeHome({ tasks: [{ name: 'endless', command: 'echo $$ > endless.pid; sleep 60', kill_grace: 1 }], settings: { executor: { type: 'queue', redis_url: redis.url } } });
    const run = track(spawnCli(['run', '--task', 'endless'], { home }));
    const pidFile = path.join(worker.home, 'endless.pid');
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 'the job to start');
    worker.child.kill('SIGTERM');
    expect((await exitOf(worker.child)).code).toBe(0);
    expect(processAlive(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(false);
    // The run did not finish: exit 3, as the same run followed through the daemon (not 0: not all good).
    expect((await exitOf(run)).code).toBe(3);
    const row = JSON.parse(runCli(['history', '--json'], { home }).stdout)[0];
    expect(row).toMatchObject({ status: 'interrupted', worker: 'impatient', exit_code: 143, reason: 'worker impatient stopped (SIGTERM) before the attempt ended' });
  }, 60_000);
});
