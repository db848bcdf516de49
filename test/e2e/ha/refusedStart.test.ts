// What refuses a cluster node's start, exit 1, and lets the process end (its Redis connection is
// let go): a node's name is its hostname and home, so a second live node of the same name on
// another machine (a cloned VM) would pass for the first and is refused, named; an HTTP port in
// use; a bad cluster config, before anything starts.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../../helpers/cli.js';
import { Cluster, nodeOf } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('when a live node of the same name is registered from another machine', () => {
  it('refuses to start (exit 1), naming the other node', async () => {
    cluster = await Cluster.start();
    const home = cluster.home(cluster.config([{ name: 'tick', schedule: '* * * * * *', command: 'true' }]));
    const node = nodeOf(home);
    const client = await cluster.redis.client();
    const info = { node, role: 'leader', host: 'clone-of-this-vm', home, pid: 4242, machine: 'another-machine-id', since: 0, seen: 0, version: 'x', url: null };
    await client.hset('conductor:test:nodes', node, JSON.stringify(info));
    await client.set(`conductor:test:alive:${node}`, 'another-machine-id', 'PX', 60_000);
    client.disconnect();
    const result = runCli(['start'], { home, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`node ${node} is already in the cluster, on another machine (host clone-of-this-vm, pid 4242, machine id another-machine-id)`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

describe('when the HTTP port of a cluster node is in use', () => {
  it('refuses to start (exit 1) and ends, Redis connection and all', async () => {
    cluster = await Cluster.start();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const tasks = [{ name: 'tick', schedule: '* * * * * *', command: 'true' }];
      const home = cluster.home(cluster.config(tasks, {}, { http: { port } }));
      const result = runCli(['start'], { home, timeoutMs: 30_000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`settings.http: cannot listen on 127.0.0.1:${port}: the port is in use`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  }, 60_000);
});

describe('when settings.ha is wrong', () => {
  it('refuses the config with every problem and its place, and nothing starts', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }], settings: { ha: { redis_url: 'http://10.0.0.5', cluster: 'prod eu', lease_seconds: 1 } } });
    const result = runCli(['start'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/settings/ha/redis_url: "http://10.0.0.5" is not a Redis URL');
    expect(result.stderr).toContain('/settings/ha/cluster: "prod eu" is not a valid name');
    expect(result.stderr).toContain('/settings/ha/lease_seconds: must be >= 2');
  });
});
