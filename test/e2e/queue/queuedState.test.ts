// A remote attempt no worker has started is `queued`, and says so: the API's answer to a run
// request, and `cancel --run`'s words (nothing runs, so no process gets a signal); once a worker
// starts one, it is running.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../helpers/cleanups.js';
import { apiOf, makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { startWorker, TestRedis } from '../../helpers/redis.js';
import { exitOf, rows, waitFor } from '../../helpers/wait.js';

const cleanups = cleanupsAfterEach();
const { track } = cleanups;

describe('a run request whose attempt waits in the queue for a worker', () => {
  it('is answered queued, and cancel --run says it will not start (not that processes get SIGTERM)', async () => {
    const redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
    track((await startWorker(redis, 'steady')).child);
    const home = makeHome({
      tasks: [
        { name: 'unserved', queue: 'later', command: 'true' },
        { name: 'served', command: 'sleep 30' },
      ],
      settings: { executor: { type: 'queue', redis_url: redis.url }, shutdown_timeout: 0, http: { port: 0 } },
    });
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const daemon = track(spawnCli(['start'], { home }));
    const api = await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const ask = async (task: string) => {
      const response = await fetch(`${api.url}/api/v1/tasks/${task}/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return { code: response.status, body: (await response.json()) as { run_id: string; status: string } };
    };

    const unserved = await ask('unserved');
    expect(unserved).toMatchObject({ code: 202, body: { task: 'unserved', status: 'queued', reason: 'waiting for a worker' } });
    const client = await redis.client();
    cleanups.push(() => void client.disconnect());
    const jobKey = `bull:conductor.later:${unserved.body.run_id}.1`;
    await waitFor(async () => (await client.exists(jobKey)) === 1, 'its job in Redis');
    // GET of the run says queued too, not running, while no worker has started it.
    const shown = await fetch(`${api.url}/api/v1/runs/${unserved.body.run_id}`, { headers: { authorization: `Bearer ${api.token}` } });
    expect(((await shown.json()) as { status: string }).status).toBe('queued');
    const cancelled = runCli(['cancel', '--run', unserved.body.run_id], { home });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout.trim()).toBe(`cancelled run ${unserved.body.run_id} of unserved (it was queued; it will not start)`);
    await waitFor(() => rows(home).find((r) => r.run_id === unserved.body.run_id && r.status === 'cancelled'), 'the run to end cancelled');
    expect(await client.exists(jobKey)).toBe(0);

    // One a worker takes is queued when asked for, then running, and cancelling it says so.
    const served = await ask('served');
    expect(served.body.status).toBe('queued');
    await waitFor(() => rows(home).find((r) => r.run_id === served.body.run_id && r.status === 'running'), 'a worker to start it');
    const stopping = runCli(['cancel', '--run', served.body.run_id], { home });
    expect(stopping.stdout).toContain('its processes get SIGTERM, then SIGKILL after kill_grace');
    await waitFor(() => rows(home).find((r) => r.run_id === served.body.run_id && r.status === 'cancelled'), 'the started run to end cancelled');

    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  }, 60_000);
});
