// Starting the HTTP server, and what refuses to start: a port in use, a remote address without
// allow_remote, a token variable that is not set; the token from $CONDUCTOR_API_TOKEN; HTTP off;
// a pause that survives a restart.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, runCli, writeConfig } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon } from '../../helpers/daemon.js';
import { rows, waitFor } from '../../helpers/wait.js';

afterEach(killDaemons);

const tick = { name: 'tick', command: 'true', schedule: '* * * * * *' };

function refusedStart(home: string, env: Record<string, string> = {}) {
  const result = runCli(['start'], { home, env });
  expect(result.code).toBe(1);
  expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(false);
  expect(rows(home)).toEqual([]);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return result.stderr;
}

describe('a daemon that cannot serve as configured refuses to start, exit 1, before anything runs', () => {
  it('when its port is in use', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const home = makeHome({ tasks: [tick], settings: { http: { port } } });
      expect(refusedStart(home)).toMatch(new RegExp(`settings.http: cannot listen on 127.0.0.1:${port}: the port is in use`));
    } finally {
      holder.close();
    }
  });

  it('when its host is not a loopback address and allow_remote is not set', () => {
    const home = makeHome({ tasks: [tick], settings: { http: { host: '0.0.0.0', port: 0 } } });
    expect(refusedStart(home)).toMatch(/\/settings\/http\/host: "0.0.0.0" is not a loopback address.*allow_remote: true/);
  });

  it('when a labelled token names a variable that is not set', () => {
    const home = makeHome({ tasks: [tick], settings: { http: { port: 0, tokens: [{ label: 'ci', env: 'NO_SUCH_TOKEN_VAR' }] } } });
    expect(refusedStart(home)).toMatch(/\/settings\/http\/tokens\/0\/env: the environment variable NO_SUCH_TOKEN_VAR \(token "ci"\) is not set/);
    // validate says so too, before a start fails on it; with the server off, the token is not needed
    const validate = runCli(['validate'], { home });
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(/\/settings\/http\/tokens\/0\/env: the environment variable NO_SUCH_TOKEN_VAR \(token "ci"\) is not set/);
    writeConfig(home, { tasks: [tick], settings: { http: { enabled: false, tokens: [{ label: 'ci', env: 'NO_SUCH_TOKEN_VAR' }] } } });
    expect(runCli(['validate'], { home }).code).toBe(0);
  });
});

describe('the main token', () => {
  it('is $CONDUCTOR_API_TOKEN when set: no token file is made, and only that token opens the API', async () => {
    const home = makeHome({ tasks: [tick] });
    const daemon = await startDaemon(home, { CONDUCTOR_API_TOKEN: 'from-the-environment' });
    expect(fs.existsSync(path.join(home, 'status', 'api.token'))).toBe(false);
    expect((await daemon.call('/api/v1/status')).status).toBe(200);
    expect((await daemon.call('/api/v1/status', { token: 'something-else' })).status).toBe(401);
  });

  it('is made once and reused by the next daemon', async () => {
    const home = makeHome({ tasks: [tick] });
    const first = await startDaemon(home);
    expect(await first.stop()).toBe(0);
    expect(fs.existsSync(path.join(home, 'status', 'http.url'))).toBe(false);
    const second = await startDaemon(home);
    expect(second.token).toBe(first.token);
    expect((await second.call('/api/v1/status')).status).toBe(200);
  });
});

describe('with settings.http.enabled false', () => {
  it('serves nothing; pause says so (exit 1); run --task runs here, with a note', async () => {
    const home = makeHome({ tasks: [tick, { name: 'once', command: 'echo once' }], settings: { http: { enabled: false } } });
    const daemon = await import('../../helpers/cli.js').then(({ spawnCli }) => spawnCli(['start'], { home }));
    try {
      await waitFor(() => rows(home).some((r) => r.task === 'tick'), 'the daemon to fire');
      expect(fs.existsSync(path.join(home, 'status', 'http.url'))).toBe(false);
      const pause = runCli(['pause', '--task', 'tick'], { home });
      expect(pause.code).toBe(1);
      expect(pause.stderr).toMatch(/serves no API \(settings.http.enabled is false/);
      const run = runCli(['run', '--task', 'once'], { home });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/serves no API .* running here, outside its limits/);
      expect(rows(home).find((r) => r.task === 'once')).toMatchObject({ trigger: 'manual', status: 'success' });
    } finally {
      daemon.kill('SIGTERM');
    }
  });
});

describe('a reload (SIGHUP)', () => {
  it('is in the audit log, with what the new config changed; a refused one too', async () => {
    const home = makeHome({ tasks: [tick] });
    const daemon = await startDaemon(home);
    writeConfig(home, { tasks: [tick, { name: 'added', command: 'true' }], settings: { max_concurrent_tasks: 5 } });
    daemon.child.kill('SIGHUP');
    await waitFor(() => daemon.output().includes('config reloaded'), 'the reload');
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), '{');
    daemon.child.kill('SIGHUP');
    await waitFor(() => daemon.output().includes('config reload refused'), 'the refusal');
    const audit = (await (await daemon.call('/api/v1/audit')).json()) as { actor: string; source: string; action: string; detail: string }[];
    expect(audit.map((r) => [r.actor, r.source, r.action])).toEqual([
      ['signal', 'daemon', 'reload'],
      ['signal', 'daemon', 'config_change'],
      ['signal', 'daemon', 'reload'],
    ]);
    expect(audit[0]?.detail).toMatch(/^SIGHUP: refused, the old config is kept/);
    expect(audit[1]?.detail).toBe('added added; settings max_concurrent_tasks');
    expect(audit[2]?.detail).toMatch(/^SIGHUP: .* reloaded, 2 tasks$/);
  });

  it('is told to the live stream (a config event, so the dashboard refetches its tasks); a refused one is not', async () => {
    const home = makeHome({ tasks: [tick] });
    const daemon = await startDaemon(home);
    const stream = await daemon.call('/api/v1/events');
    let asked = false;
    const events = await readEvents(stream, (event) => {
      // Subscribed once the first heartbeat is out: the refused reload first, then a good one.
      if (event.event === 'heartbeat' && !asked) {
        asked = true;
        fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), '{');
        daemon.child.kill('SIGHUP');
        void waitFor(() => daemon.output().includes('config reload refused'), 'the refusal').then(() => {
          writeConfig(home, { tasks: [tick, { name: 'added', command: 'true' }] });
          daemon.child.kill('SIGHUP');
        });
      }
      return event.event === 'config';
    });
    expect(events.filter((e) => e.event === 'config')).toEqual([{ event: 'config', data: { type: 'config.reloaded', tasks: 2, at: expect.stringMatching(/Z$/) } }]);
  });
});

describe('a pause', () => {
  it('survives a restart: the next daemon still records the fires skipped, and status shows it with no daemon', async () => {
    const home = makeHome({ tasks: [tick] });
    const first = await startDaemon(home);
    expect(runCli(['pause', '--task', 'tick'], { home }).code).toBe(0);
    expect(await first.stop()).toBe(0);
    expect(JSON.parse(runCli(['status', '--json'], { home }).stdout).tasks[0]).toMatchObject({ name: 'tick', paused: true });
    const restarted = Date.now();
    await startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.task === 'tick' && r.started_at > restarted && r.reason === 'paused').length >= 2, 'paused fires');
    expect(rows(home).some((r) => r.task === 'tick' && r.started_at > restarted && r.status !== 'skipped')).toBe(false);
  });
});
