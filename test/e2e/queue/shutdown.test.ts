// A daemon told to stop (SIGTERM) with one attempt a worker runs and one no worker has taken (no
// worker serves its queue): the queued one is taken back from Redis at once (its job removed)
// and stays `queued` for the next start, as a run queued for a slot does, so it holds up no
// drain; the started one drains as before. The next start sends it out once.
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

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('when the daemon is told to stop with an attempt still queued for a worker', () => {
  it('takes it back at once (job removed, row queued), drains only the started one, and the next start runs it once', async () => {
    const redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-shared-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const ran = path.join(dir, 'ran');
    const release = path.join(dir, 'release');
    track((await startWorker(redis, 'busy')).child);
    const home = makeHome({
      tasks: [
        { name: 'unserved', queue: 'later', env: { RAN: ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' },
        { name: 'started', env: { RELEASE: release }, command: 'while [ ! -e "$RELEASE" ]; do sleep 0.05; done; echo done' },
      ],
      // A drain far longer than the test: a stop that waited for the queued attempt would time out.
      settings: { executor: { type: 'queue', redis_url: redis.url }, shutdown_timeout: 600, http: { port: 0 } },
    });
    const daemon = track(spawnCli(['start'], { home }));
    const api = await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const ask = (task: string) =>
      fetch(`${api.url}/api/v1/tasks/${task}/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: '{}' }).then(
        async (r) => (await r.json()) as { run_id: string },
      );
    const { run_id: queuedId } = await ask('unserved');
    await ask('started');
    await waitFor(() => rows(home).find((r) => r.task === 'started' && r.status === 'running'), 'the started attempt to run on the worker');
    const client = await redis.client();
    cleanups.push(() => void client.disconnect());
    const jobKey = `bull:conductor.later:${queuedId}.1`;
    await waitFor(async () => (await client.exists(jobKey)) === 1, 'the queued job in Redis');

    daemon.kill('SIGTERM');
    // The queued attempt is taken back while the started one still runs.
    await waitFor(async () => (await client.exists(jobKey)) === 0, 'the queued job to be removed from Redis', 10_000);
    expect(daemon.exitCode).toBeNull();
    expect(rows(home).find((r) => r.run_id === queuedId)).toMatchObject({ status: 'queued', reason: null });
    fs.writeFileSync(release, '');
    await waitFor(() => daemon.exitCode !== null, 'the daemon to exit once the started attempt ended', 20_000);
    expect(daemon.exitCode).toBe(0);
    expect(rows(home).find((r) => r.task === 'started')).toMatchObject({ status: 'success', worker: 'busy' });
    expect(rows(home).find((r) => r.run_id === queuedId)).toMatchObject({ status: 'queued', reason: null });
    expect(await client.exists(jobKey)).toBe(0);

    // The next start, with a worker of its queue, sends it out: it runs once, as attempt 1.
    track((await startWorker(redis, 'late', { queues: 'later' })).child);
    const next = track(spawnCli(['start'], { home }));
    await waitFor(() => rows(home).find((r) => r.run_id === queuedId && r.status === 'success'), 'the next start to run it', 20_000);
    next.kill('SIGTERM');
    expect((await exitOf(next)).code).toBe(0);
    expect(lines(ran)).toEqual([queuedId]);
    expect(rows(home).filter((r) => r.run_id === queuedId)).toMatchObject([{ attempt: 1, status: 'success', worker: 'late' }]);
    // Its output has one header, written when the worker started it (none for the time it only waited).
    const shown = runCli(['logs', '--task', 'unserved', '--run', queuedId], { home });
    expect(shown.stdout.match(/^=== symphony-conductor run=/gm)).toHaveLength(1);
  }, 90_000);
});
