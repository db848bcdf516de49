// Redis not there when a worker or a daemon with the queue executor starts (nothing listening, a
// name that does not resolve): both keep trying, since Redis may come up later, but say so at
// once on stderr and in their log, naming the URL (never its password) and the cause, and say
// when they connect; the worker then takes jobs.
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../helpers/cleanups.js';
import { makeHome, spawnCli } from '../../helpers/cli.js';
import { TestRedis } from '../../helpers/redis.js';
import { exitOf, rows, waitFor } from '../../helpers/wait.js';

const cleanups = cleanupsAfterEach();

/** Starts the CLI; its stderr collected, killed at the end if still running. */
function started(args: string[], home: string): { child: ChildProcess; stderr: () => string } {
  const child = spawnCli(args, { home });
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  cleanups.track(child);
  return { child, stderr: () => text };
}

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-worker-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  return home;
}

describe('when a worker starts and nothing listens at its Redis URL', () => {
  it('warns at once with the URL and ECONNREFUSED, then connects and takes jobs once Redis is up', async () => {
    const redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
    await redis.down();
    const secret = `redis://:s3cret@127.0.0.1:${redis.port}/0`;
    const home = tempHome();
    const worker = started(['worker', '--redis', secret, '--name', 'patient'], home);
    const warning = `warn: worker patient: cannot connect to Redis at redis://:***@127.0.0.1:${redis.port}/0: connect ECONNREFUSED 127.0.0.1:${redis.port}; retrying`;
    await waitFor(() => worker.stderr().includes(warning), 'the warning on stderr', 10_000);
    const log = path.join(home, 'logs', 'symphony_conductor_worker.log');
    await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('cannot connect to Redis'), 'the warning in its log (written asynchronously)');
    expect(worker.stderr()).not.toContain('s3cret');

    await redis.up();
    await waitFor(() => worker.stderr().includes('worker patient started'), 'the worker to start once Redis is up', 15_000);
    expect(worker.stderr()).toContain(`worker patient: connected to Redis at redis://:***@127.0.0.1:${redis.port}/0`);
    worker.child.kill('SIGTERM');
    expect((await exitOf(worker.child)).code, worker.stderr()).toBe(0);
  }, 60_000);

  it('names a host that does not resolve (ENOTFOUND), and still stops at once on SIGTERM', async () => {
    const worker = started(['worker', '--redis', 'redis://nohost.invalid:6379/0', '--name', 'lost'], tempHome());
    await waitFor(() => /warn: worker lost: cannot connect to Redis at redis:\/\/nohost\.invalid:6379\/0: getaddrinfo E(NOTFOUND|AI_AGAIN) nohost\.invalid/.test(worker.stderr()), 'the warning', 15_000);
    worker.child.kill('SIGTERM');
    expect((await exitOf(worker.child)).code).toBe(0);
  }, 30_000);
});

describe('when a daemon with the queue executor starts and its Redis is not there', () => {
  it('says so at once in its log, keeps the fire queued, and says when it connects', async () => {
    const redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
    await redis.down();
    const home = makeHome({
      tasks: [{ name: 'later', schedule: '* * * * * *', command: 'true' }],
      settings: { executor: { type: 'queue', redis_url: redis.url }, shutdown_timeout: 1 },
    });
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const daemon = started(['start'], home);
    const warning = `warn: queue executor: cannot connect to Redis at ${redis.url}: connect ECONNREFUSED 127.0.0.1:${redis.port}`;
    await waitFor(() => daemon.stderr().includes(warning), "the daemon's warning", 10_000);
    const log = path.join(home, 'logs', 'symphony_conductor.log');
    await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('queue executor: cannot connect to Redis'), 'the warning in its log');
    await waitFor(() => rows(home).some((r) => r.status === 'queued'), 'a fire waiting as a queued row');
    await redis.up();
    await waitFor(() => daemon.stderr().includes(`queue executor: connected to Redis at ${redis.url}`), 'the daemon to say it connected', 15_000);
    daemon.child.kill('SIGTERM');
    expect((await exitOf(daemon.child)).code, daemon.stderr()).toBe(0);
  }, 60_000);
});
