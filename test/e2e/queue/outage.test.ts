// The queue executor under a running daemon when Redis goes away and comes back, and after a
// conductor died with a job still waiting in the queue: nothing lost, nothing run twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../helpers/cleanups.js';
import { apiOf, makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { startWorker, TestRedis } from '../../helpers/redis.js';
import { exitOf, rows, waitFor } from '../../helpers/wait.js';

const cleanups = cleanupsAfterEach();
const { track } = cleanups;

async function setUp(): Promise<{ redis: TestRedis; dir: string }> {
  const redis = await TestRedis.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-shared-'));
  cleanups.push(() => redis.stop(), () => fs.rmSync(dir, { recursive: true, force: true }));
  return { redis, dir };
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('when Redis is stopped and restarted under a running daemon', () => {
  it('keeps the fires as queued rows, says it is disconnected, and sends each out once when Redis is back', async () => {
    const { redis, dir } = await setUp();
    track((await startWorker(redis, 'steady')).child);
    const ran = path.join(dir, 'ran');
    const home = makeHome({
      tasks: [{ name: 'tick', schedule: '* * * * * *', concurrency_policy: 'allow', env: { RAN: ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' }],
      settings: { executor: { type: 'queue', redis_url: redis.url }, max_concurrent_tasks: 10 },
    });
    const daemon = track(spawnCli(['start'], { home }));
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two runs through the queue');

    await redis.down();
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(status.executor).toMatchObject({ type: 'queue', connected: false, workers: [] });
    expect(status.executor.reason).toMatch(/^Redis unreachable at redis:\/\/127\.0\.0\.1:\d+\/0/);
    const api = apiOf(home) as { url: string };
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/^Redis unreachable at redis:\/\/127\.0\.0\.1:\d+\/0/) });
    await waitFor(() => rows(home).filter((r) => r.status === 'queued').length >= 3, 'fires to wait as queued rows while Redis is down');
    const ranWhileDown = lines(ran).length;

    await redis.up();
    await waitFor(() => {
      const all = rows(home);
      return all.length >= 6 && all.every((r) => r.status === 'success') && lines(ran).length === all.length;
    }, 'every waiting fire to go out once Redis is back', 30_000);
    expect(lines(ran).length).toBeGreaterThan(ranWhileDown);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);

    const all = rows(home).filter((r) => r.status !== 'skipped');
    expect(all.every((r) => r.status === 'success' && r.attempt === 1)).toBe(true);
    // Nothing ran twice: each run once on the worker, each fire one run.
    expect(new Set(lines(ran)).size).toBe(lines(ran).length);
    expect(lines(ran).sort()).toEqual(all.map((r) => r.run_id).sort());
    expect(new Set(all.map((r) => r.fire_at)).size).toBe(all.length);
  }, 90_000);
});

describe('when a foreground run is interrupted while Redis is down', () => {
  it('ends at once, the run skipped (not started: it never ran), and its job never runs once Redis is back', async () => {
    const { redis, dir } = await setUp();
    track((await startWorker(redis, 'patient')).child);
    const home = makeHome({
      tasks: [
        { name: 'never', env: { DIR: dir }, command: 'touch "$DIR/never-ran"' },
        { name: 'later', env: { DIR: dir }, command: 'touch "$DIR/later-ran"' },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url } },
    });
    await redis.down();
    const run = track(spawnCli(['run', '--task', 'never'], { home }));
    await waitFor(() => rows(home).find((r) => r.status === 'queued'), 'the attempt to wait for Redis');
    run.kill('SIGINT');
    expect((await exitOf(run)).code).toBe(3);
    expect(rows(home)[0]).toMatchObject({ status: 'skipped', reason: 'not started: interrupted by SIGINT' });
    expect(fs.existsSync(path.join(home, 'status', 'automation_health', 'never.health'))).toBe(false);
    await redis.up();
    expect(runCli(['run', '--task', 'later'], { home }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'later-ran'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'never-ran'))).toBe(false);
  }, 60_000);
});

describe('when a foreground run waits for a worker no one runs', () => {
  it('says so after a second, and on SIGTERM records the run skipped, not started, exit 3', async () => {
    const { redis } = await setUp();
    const home = makeHome({
      tasks: [{ name: 'z', command: 'echo z', queue: 'zzz' }],
      settings: { executor: { type: 'queue', redis_url: redis.url } },
    });
    const run = track(spawnCli(['run', '--task', 'z'], { home }));
    let out = '';
    run.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(() => out.includes('.. z: queued (waiting for a worker on queue zzz)'), 'the progress line');
    run.kill('SIGTERM');
    expect((await exitOf(run)).code).toBe(3);
    expect(rows(home)).toMatchObject([{ task: 'z', status: 'skipped', reason: 'not started: interrupted by SIGTERM' }]);
    expect(fs.existsSync(path.join(home, 'status', 'automation_health', 'z.health'))).toBe(false);
  }, 60_000);
});

describe('when a foreground run --all waits for slots, with workers there', () => {
  it('says nothing of waiting for a worker: a run waiting for a free slot is not', async () => {
    const { redis } = await setUp();
    track((await startWorker(redis, 'steady', { concurrency: 1 })).child);
    const home = makeHome({
      tasks: ['one', 'two', 'three'].map((name) => ({ name, command: 'sleep 1.3' })),
      settings: { executor: { type: 'queue', redis_url: redis.url }, max_concurrent_tasks: 1 },
    });
    const run = runCli(['run', '--all'], { home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 succeeded');
    expect(run.stdout).not.toContain('waiting for a worker');
  }, 60_000);
});

describe('when a conductor died while its job waited in the queue', () => {
  it('the next one removes the job (it never runs) and records the attempt interrupted', async () => {
    const { redis, dir } = await setUp();
    const home = makeHome({
      tasks: [
        { name: 'orphaned', queue: 'later', env: { DIR: dir }, command: 'touch "$DIR/orphan-ran"' },
        { name: 'after', queue: 'later', env: { DIR: dir }, command: 'touch "$DIR/after-ran"' },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url } },
    });
    const run = track(spawnCli(['run', '--task', 'orphaned'], { home }));
    const row = await waitFor(() => rows(home).find((r) => r.status === 'queued'), 'the attempt to be sent');
    const client = await redis.client();
    cleanups.push(() => void client.disconnect());
    const jobKey = `bull:conductor.later:${row.run_id}.1`;
    const deadline = Date.now() + 10_000;
    while (!(await client.exists(jobKey)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await client.exists(jobKey)).toBe(1);
    run.kill('SIGKILL');
    await exitOf(run);

    // The next conductor that opens the history for writing recovers it.
    const daemon = track(spawnCli(['start'], { home }));
    await waitFor(() => rows(home).find((r) => r.task === 'orphaned' && r.status === 'interrupted'), 'the attempt to be recovered');
    expect(await client.exists(jobKey)).toBe(0);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);

    track((await startWorker(redis, 'late', { queues: 'later' })).child);
    expect(runCli(['run', '--task', 'after'], { home }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'after-ran'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'orphan-ran'))).toBe(false);
  }, 60_000);
});

describe('when a daemon is told to stop while Redis is down and a job of it waits in the queue', () => {
  it('exits 0 after the drain and kill grace, leaving the attempt for the next start, which settles it (the job never runs)', async () => {
    const { redis, dir } = await setUp();
    const home = makeHome({
      tasks: [{ name: 'stranded', schedule: '0 0 1 1 *', kill_grace: 1, env: { DIR: dir }, command: 'touch "$DIR/stranded-ran"' }],
      settings: { executor: { type: 'queue', redis_url: redis.url }, shutdown_timeout: 0, http: { port: 0 } },
    });
    const daemon = track(spawnCli(['start'], { home }));
    await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const api = apiOf(home) as { url: string; token: string };
    const asked = await fetch(`${api.url}/api/v1/tasks/stranded/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(asked.status).toBe(202);
    const row = await waitFor(() => rows(home).find((r) => r.status === 'queued'), 'the attempt to be sent (no worker takes it)');
    const client = await redis.client();
    const jobKey = `bull:conductor.default:${row.run_id}.1`;
    const deadline = Date.now() + 10_000;
    while (!(await client.exists(jobKey)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await client.exists(jobKey)).toBe(1);
    client.disconnect();
    // Queued for a worker, not running: so say /health and the metrics.
    expect(await (await fetch(`${api.url}/health`)).json()).toMatchObject({ status: 'ok', running: 0 });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^conductor_runs_running 0$/m);
    expect(metrics).toMatch(/^conductor_queue_depth 1$/m);

    await redis.down();
    daemon.kill('SIGTERM');
    // Without a bound it waited for Redis forever: shutdown_timeout 0, kill_grace 1 s, a 10 s margin.
    expect((await exitOf(daemon)).code).toBe(0);
    expect(rows(home).find((r) => r.run_id === row.run_id)?.status).toBe('queued');

    await redis.up();
    const next = track(spawnCli(['start'], { home }));
    await waitFor(() => rows(home).find((r) => r.run_id === row.run_id && r.status === 'interrupted'), 'the next start to settle the attempt');
    next.kill('SIGTERM');
    expect((await exitOf(next)).code).toBe(0);
    track((await startWorker(redis, 'afterwards')).child);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fs.existsSync(path.join(dir, 'stranded-ran'))).toBe(false);
  }, 90_000);
});
