// Watched folders and webhooks in a cluster: only the leader takes files (a standby starts
// nothing: a file in its folder waits there, and is taken when that node leads), and a webhook
// sent to a standby is refused (503) naming the leader, as every other write is.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, runCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { dropFile, namesIn } from '../../helpers/watch.js';
import { attempts, Cluster, nodeOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('a watch task and a webhook in a cluster', () => {
  it('run on the leader only; a standby leaves its files until it leads and refuses webhooks', async () => {
    cluster = await Cluster.start();
    const taken = path.join(cluster.dir, 'taken');
    const config = cluster.config(
      [
        { name: 'intake', command: 'echo "$CONDUCTOR_FILE_NAME $CONDUCTOR_HOME" >> "$TAKEN"', env: { TAKEN: taken }, watch: { path: 'in', settle_ms: 50 } },
        { name: 'hooked', command: 'true', webhook: {} },
      ],
      {},
      { http: { enabled: true, port: 0 } },
    );
    const { homeA, homeB, a, b } = await cluster.leaderAndStandby(config);
    const takenBy = () => (fs.existsSync(taken) ? fs.readFileSync(taken, 'utf8').split('\n').filter(Boolean) : []);

    // A file in the standby's folder first, then one in the leader's: only the leader's is taken.
    fs.mkdirSync(path.join(homeB, 'in'), { recursive: true });
    dropFile(path.join(homeB, 'in'), 'b1.json', '{}');
    await waitFor(() => fs.existsSync(path.join(homeA, 'in')) || null, "a's watched folder");
    dropFile(path.join(homeA, 'in'), 'a1.json', '{}');
    await waitFor(() => namesIn(path.join(homeA, 'in', 'processed')).length === 1, "a's file to be processed");
    expect(takenBy()).toEqual([`a1.json ${homeA}`]);
    expect(namesIn(path.join(homeB, 'in')).map(String)).toEqual(['b1.json']);
    expect(attempts(homeB).filter((r) => r.node === null)).toEqual([]);

    // A webhook: the leader takes it, a standby refuses it and names the leader.
    const apiA = await waitFor(() => apiOf(homeA), "a's API");
    const apiB = await waitFor(() => apiOf(homeB), "b's API");
    const hook = (api: { url: string; token: string }) =>
      fetch(`${api.url}/hooks/hooked`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: '{}' }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const refused = await hook(apiB);
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'standby', leader: nodeOf(homeA), leader_url: apiA.url } } });
    expect((await hook(apiA)).status).toBe(202);
    await waitFor(() => attempts(homeA).find((r) => r.task === 'hooked' && r.status === 'success'), "the webhook's run on a");
    expect(attempts(homeB).filter((r) => r.node === null)).toEqual([]);

    // a hands over: b leads, and takes the file that waited in its folder.
    a.child.kill('SIGTERM');
    expect((await exitOf(a.child)).code).toBe(0);
    await waitForRole(homeB, 'leader', 15_000);
    await waitFor(() => namesIn(path.join(homeB, 'in', 'processed')).length === 1, "b's file to be processed once b leads");
    expect(takenBy()).toEqual([`a1.json ${homeA}`, `b1.json ${homeB}`]);
    b.child.kill('SIGTERM');
    expect((await exitOf(b.child)).code).toBe(0);
    expect(takenBy()).toHaveLength(2);
  }, 90_000);
});

describe('run --task on a standby machine', () => {
  it('runs there, in the foreground (the standby takes no writes), and its rows reach the leader', async () => {
    cluster = await Cluster.start();
    const config = cluster.config([{ name: 'byhand', command: 'echo "ran on $CONDUCTOR_HOME"' }], {}, { http: { enabled: true, port: 0 } });
    const { homeA, homeB } = await cluster.leaderAndStandby(config);
    await waitFor(() => apiOf(homeB), "b's API");
    const run = runCli(['run', '--task', 'byhand'], { home: homeB });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('the daemon on this home is a standby of its cluster: running here, in the foreground');
    expect(run.stdout).toMatch(/ok byhand: succeeded/);
    const ranOnB = attempts(homeB).find((r) => r.task === 'byhand');
    expect(ranOnB).toMatchObject({ status: 'success', trigger: 'manual' });
    // Published: the leader's history has the same run.
    await waitFor(() => attempts(homeA).find((r) => r.run_id === ranOnB?.run_id && r.status === 'success'), "the run's rows on the leader", 15_000);
  }, 90_000);
});
