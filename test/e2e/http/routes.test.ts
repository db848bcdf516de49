// The API of a real daemon over real sockets: authentication, every route's shape and status
// code, paging, and the bad input each route must refuse with the error shape.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { rows, waitFor } from '../../helpers/wait.js';

let home: string;
let daemon: Daemon;

beforeAll(async () => {
  home = makeHome({
    tasks: [
      { name: 'tick', command: 'echo tick', schedule: '* * * * * *' },
      { name: 'after', command: 'echo after', dependencies: ['tick'] },
      { name: 'quick', command: 'echo quick' },
      { name: 'off', command: 'true', enabled: false },
    ],
    settings: { http: { port: 0, tokens: [{ label: 'ci', env: 'CI_TOKEN' }] } },
  });
  daemon = await startDaemon(home, { CI_TOKEN: 'ci-secret-token' });
  await waitFor(() => rows(home).filter((r) => r.task === 'tick' && r.status === 'success').length >= 3, 'three ticks');
});
afterAll(killDaemons);

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });

describe('at start', () => {
  it('prints its URL and writes it to status/http.url; makes a 32-byte hex token, mode 0600', () => {
    expect(daemon.output()).toContain(`HTTP API on ${daemon.url}`);
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const file = path.join(home, 'status', 'api.token');
    expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says nothing of Fastify (no deprecated option warned about on stderr)', () => {
    expect(daemon.output()).not.toMatch(/FastifyWarning|FSTDEP|DeprecationWarning/);
  });
});

describe('authentication of /api/ routes', () => {
  it.each([
    ['no token', null, /needs a token/],
    ['a wrong token', 'x'.repeat(64), /wrong token/],
    ['a token of the wrong length', 'abc', /wrong token/],
    ['a very long token', 'y'.repeat(10_000), /wrong token/],
  ])('refuses %s: 401 with the error shape', async (_what, token, message) => {
    const { status, body } = await json(await daemon.call('/api/v1/status', { token }));
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(message);
  });

  it('refuses another scheme than Bearer', async () => {
    const response = await daemon.call('/api/v1/tasks', { token: null, headers: { authorization: `Basic ${daemon.token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses before reading a body: no token and a large body is a 401, not a 413', async () => {
    const response = await daemon.call('/api/v1/tasks/quick/run', { token: null, json: { pad: 'z'.repeat(200_000) } });
    expect(response.status).toBe(401);
  });

  it("takes a labelled extra token, and the audit log names its label", async () => {
    expect((await daemon.call('/api/v1/tasks/quick/pause', { method: 'POST', token: 'ci-secret-token' })).status).toBe(200);
    expect((await daemon.call('/api/v1/tasks/quick/resume', { method: 'POST', token: 'ci-secret-token' })).status).toBe(200);
    const { body } = await json(await daemon.call('/api/v1/audit?limit=2'));
    expect(body.map((r: any) => [r.actor, r.source, r.action, r.task])).toEqual([
      ['api:ci', 'api', 'resume', 'quick'],
      ['api:ci', 'api', 'pause', 'quick'],
    ]);
  });

  it('believes a CLI user named in the body only with the main token: another token cannot write a person into the audit log or make its run manual', async () => {
    const asCi = { method: 'POST', token: 'ci-secret-token', json: { cli_user: 'mallory' } };
    expect((await daemon.call('/api/v1/tasks/quick/pause', asCi)).status).toBe(200);
    expect((await daemon.call('/api/v1/tasks/quick/resume', asCi)).status).toBe(200);
    const run = await json(await daemon.call('/api/v1/tasks/quick/run', asCi));
    expect(run.status).toBe(202);
    await waitFor(() => rows(home).some((r) => r.run_id === run.body.run_id && r.status === 'success'), 'the run');
    expect(rows(home).find((r) => r.run_id === run.body.run_id)?.trigger).toBe('api');
    // The main token from this host is the CLI's own: its user is believed.
    expect((await daemon.call('/api/v1/tasks/quick/pause', { method: 'POST', json: { cli_user: 'alice' } })).status).toBe(200);
    expect((await daemon.call('/api/v1/tasks/quick/resume', { method: 'POST', json: { cli_user: 'alice' } })).status).toBe(200);
    const { body } = await json(await daemon.call('/api/v1/audit?limit=5'));
    expect(body.map((r: any) => [r.actor, r.source, r.action])).toEqual([
      ['alice', 'cli', 'resume'],
      ['alice', 'cli', 'pause'],
      ['api:ci', 'api', 'run'],
      ['api:ci', 'api', 'resume'],
      ['api:ci', 'api', 'pause'],
    ]);
  });

  it('leaves /health and /metrics open', async () => {
    const health = await json(await daemon.call('/health', { token: null }));
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', version: expect.any(String), tasks: 4, running: expect.any(Number) } });
    expect(health.body.uptime_s).toBeGreaterThanOrEqual(0);
    expect((await daemon.call('/metrics', { token: null })).status).toBe(200);
  });
});

describe('reads', () => {
  it('GET /api/v1/status is what status --json prints (one function): the same fields, the same tasks', async () => {
    const { status, body } = await json(await daemon.call('/api/v1/status'));
    expect(status).toBe(200);
    const cli = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(Object.keys(body)).toEqual(Object.keys(cli));
    expect(Object.keys(body.tasks[0])).toEqual(Object.keys(cli.tasks[0]));
    expect(body.tasks.map((t: any) => t.name)).toEqual(cli.tasks.map((t: any) => t.name));
    expect(body.daemon).toEqual(cli.daemon);
    expect(Object.keys(body.tasks[0])).toEqual(['name', 'enabled', 'schedule', 'timezone', 'next_run', 'last_run', 'health', 'paused']);
  });

  it('GET /api/v1/tasks: every task with its defaults, next five fires, last run, health, paused', async () => {
    const { body } = await json(await daemon.call('/api/v1/tasks'));
    expect(body.map((t: any) => t.name)).toEqual(['tick', 'after', 'quick', 'off']);
    const tick = body[0];
    expect(tick).toMatchObject({ command: 'echo tick', retry_count: 0, concurrency_policy: 'forbid', timeout: 3600, kill_grace: 10, timezone: expect.any(String), paused: false });
    expect(tick.next_runs).toHaveLength(5);
    for (const at of tick.next_runs) expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(tick.last_run).toMatchObject({ task: 'tick', status: 'success' });
    expect(tick.health).toMatchObject({ status: 'success', exit_code: 0 });
    expect(body[3]).toMatchObject({ name: 'off', enabled: false, next_runs: [] });
  });

  it('GET /api/v1/tasks/{name}: one task; 404 with the error shape for an unknown one', async () => {
    expect((await json(await daemon.call('/api/v1/tasks/after'))).body).toMatchObject({ name: 'after', dependencies: ['tick'], next_runs: [] });
    expect(await json(await daemon.call('/api/v1/tasks/nope'))).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'no task named nope' } } });
  });

  it('GET /api/v1/graph: nodes and edges from the dependency', async () => {
    const { body } = await json(await daemon.call('/api/v1/graph'));
    expect(body.nodes).toContainEqual({ name: 'after', schedule: null, enabled: true, paused: false });
    expect(body.edges).toEqual([{ from: 'tick', to: 'after' }]);
  });

  it('GET /api/v1/runs: attempts newest first, filtered, paged with before (no overlap, nothing newer)', async () => {
    const all = (await json(await daemon.call('/api/v1/runs?task=tick&limit=1000'))).body;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = (await json(await daemon.call('/api/v1/runs?task=tick&limit=2'))).body;
    expect(first).toHaveLength(2);
    const second = (await json(await daemon.call(`/api/v1/runs?task=tick&limit=2&before=${encodeURIComponent(first[1].started_at)}`))).body;
    expect(second.length).toBeGreaterThan(0);
    for (const row of second) expect(row.started_at < first[1].started_at).toBe(true);
    expect(second.map((r: any) => r.run_id)).not.toContain(first[0].run_id);
    const sorted = [...all].sort((a: any, b: any) => (a.started_at < b.started_at ? 1 : -1));
    expect(all.map((r: any) => r.started_at)).toEqual(sorted.map((r: any) => r.started_at));
    const ok = (await json(await daemon.call('/api/v1/runs?status=success&trigger=schedule&limit=5'))).body;
    for (const row of ok) expect(row).toMatchObject({ status: 'success', trigger: 'schedule' });
    expect(Object.keys(ok[0])).toEqual(['run_id', 'task', 'attempt', 'trigger', 'status', 'started_at', 'finished_at', 'exit_code', 'signal', 'duration_ms', 'reason', 'worker']);
    expect((await json(await daemon.call('/api/v1/runs'))).body.length).toBeLessThanOrEqual(50);
  });

  it.each([
    ['limit=0', /limit must be >= 1/],
    ['limit=1001', /limit must be <= 1000/],
    ['limit=abc', /limit must be integer/],
    ['before=yesterday', /before must be an ISO 8601 time/],
    ['status=great', /^querystring\/status must be equal to one of the allowed values: queued, awaiting_approval, running, success, failed, timeout, skipped, interrupted, cancelled$/],
    ['trigger=bogus', /^querystring\/trigger must be equal to one of the allowed values: schedule, dependency, catch_up, manual, once, watch, webhook, api$/],
    ['page=2', /^querystring must NOT have additional properties: page$/],
    ['limit=1&limit=2', /^querystring\/limit is given 2 times; give it once$/],
    ['status=failed&status=success&status=failed', /^querystring\/status is given 3 times; give it once$/],
    ['task=tick&task=after', /^querystring\/task is given 2 times; give it once$/],
  ])('GET /api/v1/runs?%s is a 400 that says what is wrong', async (query, message) => {
    const { status, body } = await json(await daemon.call(`/api/v1/runs?${query}`));
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(message);
  });

  it.each([
    ['/api/v1/runs/x/log?follow=abc', 'querystring/follow must be equal to one of the allowed values: 0, 1, true, false'],
    ['/api/v1/runs/x/log?follow=1&follow=1', 'querystring/follow is given 2 times; give it once'],
    ['/api/v1/audit?limit=5&limit=6', 'querystring/limit is given 2 times; give it once'],
  ])('GET %s is a 400 that says what is wrong', async (route, message) => {
    expect(await json(await daemon.call(route))).toEqual({ status: 400, body: { error: { code: 'bad_request', message } } });
  });

  it.each(['task=', 'status=', 'trigger=', 'limit=', 'before=', 'task=&status=&trigger=&limit=&before='])(
    'GET /api/v1/runs?%s (empty values, as the spec writes the route) is no filter and the default limit',
    async (query) => {
      const { status, body } = await json(await daemon.call(`/api/v1/runs?${query}`));
      expect(status).toBe(200);
      expect(body.length).toBeGreaterThanOrEqual(3);
      expect(body.length).toBeLessThanOrEqual(50);
      expect(new Set(body.map((r: any) => r.task)).size).toBeGreaterThan(1); // tick and after: no task filter
    },
  );

  it('GET /api/v1/runs?limit=&task=tick&before= keeps the task filter; GET /api/v1/audit?since=&limit= is a 200 too', async () => {
    const { status, body } = await json(await daemon.call('/api/v1/runs?limit=&task=tick&before='));
    expect(status).toBe(200);
    expect(body.every((r: any) => r.task === 'tick')).toBe(true);
    expect((await daemon.call('/api/v1/audit?since=&limit=')).status).toBe(200);
  });

  it('GET /api/v1/runs/{run_id}: the run and its attempts; 404 for an unknown one', async () => {
    const [row] = (await json(await daemon.call('/api/v1/runs?task=tick&status=success&limit=1'))).body;
    const { body } = await json(await daemon.call(`/api/v1/runs/${row.run_id}`));
    expect(body).toMatchObject({ run_id: row.run_id, task: 'tick', status: 'success', attempts: [row] });
    expect((await daemon.call('/api/v1/runs/20250101T000000Z-00000000')).status).toBe(404);
  });

  it('answers an unknown route 404 with the error shape', async () => {
    expect(await json(await daemon.call('/api/v1/nothing'))).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'no route GET /api/v1/nothing' } } });
  });
});

/** Writes `request` on a new connection as it is; resolves with all the server answered before it closed. */
function rawRequest(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('requests refused before any route: the error shape too, and the daemon goes on serving', () => {
  const long = (n: number) => 'a'.repeat(n);

  it.each([
    ['GET', '/api/v1/tasks/%ff%fe', '/api/v1/tasks/%ff%fe'],
    ['POST', '/hooks/%', '/hooks/%'],
  ])('%s %s (not valid percent-encoding) is a 400 naming the path', async (method, route, shown) => {
    const answer = await json(await daemon.call(route, { method }));
    expect(answer).toEqual({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining(`the path ${shown} is not valid percent-encoding`) } } });
  });

  it.each([
    ['GET', `/api/v1/tasks/${long(101)}`, `no task named ${long(101)}`],
    ['POST', `/api/v1/tasks/${long(5000)}/pause`, `no task named ${long(5000)}`],
    ['GET', `/api/v1/runs/${long(101)}`, `no run with id ${long(101)}`],
    ['GET', `/api/v1/runs/${long(300)}/log`, `no run with id ${long(300)}`],
    ['POST', `/api/v1/runs/${long(101)}/cancel`, `no run with id ${long(101)}`],
    ['POST', `/hooks/${long(101)}`, `no task named ${long(101)}`],
  ])('%s of a name or run id longer than any there is, is not found: 404 (%#)', async (method, route, message) => {
    expect(await json(await daemon.call(route, { method }))).toEqual({ status: 404, body: { error: { code: 'not_found', message } } });
  });

  it('over 16 KB of request line or headers is a 431 in the error shape', async () => {
    for (const init of [{ path: `/api/v1/tasks/${long(17_000)}` }, { path: '/api/v1/tasks', headers: { 'x-padding': long(17_000) } }]) {
      const answer = await json(await daemon.call(init.path, { headers: init.headers }));
      expect(answer).toEqual({ status: 431, body: { error: { code: 'too_large', message: expect.stringMatching(/request line and headers are larger than the \d+ bytes/) } } });
    }
  });

  it('what is not HTTP at all is answered 400 in the error shape, and the connection closed', async () => {
    const answer = await rawRequest(daemon.url, 'GARBAGE\r\n\r\n');
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nContent-Type: application\/json; charset=utf-8/);
    expect(JSON.parse(body)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/^the request is not valid HTTP: /) } });
    expect((await daemon.call('/health', { token: null })).status).toBe(200);
  });

  it('pause --task with a name of 150 characters says there is no such task (exit 1), not a 414', () => {
    const result = runCli(['pause', '--task', long(150)], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`symphony-conductor: the daemon refused (404): no task named ${long(150)}\n`);
  });
});

describe('POST /api/v1/tasks/{name}/run', () => {
  it('starts a run now: 202 {run_id}, recorded with trigger api and in the audit log', async () => {
    const { status, body } = await json(await daemon.call('/api/v1/tasks/quick/run', { method: 'POST' }));
    expect(status).toBe(202);
    expect(body).toMatchObject({ run_id: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/), task: 'quick' });
    await waitFor(() => rows(home).find((r) => r.run_id === body.run_id && r.status === 'success'), 'the api run');
    expect(rows(home).find((r) => r.run_id === body.run_id)?.trigger).toBe('api');
    const audit = (await json(await daemon.call('/api/v1/audit?limit=1'))).body[0];
    expect(audit).toMatchObject({ actor: 'api:default', source: 'api', action: 'run', task: 'quick', run_id: body.run_id });
  });

  it('with_deps: runs the upstream first, in a session; answers with the run id the task will run under', async () => {
    const { status, body } = await json(await daemon.call('/api/v1/tasks/after/run', { json: { with_deps: true } }));
    expect(status).toBe(202);
    expect(body).toMatchObject({ run_id: expect.stringMatching(/\S/), task: 'after', session: expect.any(String), tasks: ['tick', 'after'] });
    await waitFor(() => rows(home).some((r) => r.run_id === body.run_id && r.task === 'after' && r.trigger === 'api' && r.status === 'success'), 'after to run with its upstream, under that id');
  });

  it.each([
    ['a disabled task', '/api/v1/tasks/off/run', {}, 409, 'conflict', /disabled/],
    ['an unknown task', '/api/v1/tasks/nope/run', {}, 404, 'not_found', /no task named nope/],
    ['a body that is not JSON', '/api/v1/tasks/quick/run', { body: '{oops', headers: { 'content-type': 'application/json' } }, 400, 'bad_request', /not valid JSON/],
    ['a body too large', '/api/v1/tasks/quick/run', { json: { pad: 'z'.repeat(100_000) } }, 413, 'too_large', /larger than/],
    ['a field it does not take', '/api/v1/tasks/quick/run', { json: { now: true } }, 400, 'bad_request', /additional properties/],
    ['a body of another type', '/api/v1/tasks/quick/run', { body: 'run it', headers: { 'content-type': 'text/plain' } }, 400, 'bad_request', /must be JSON/],
    ['with_deps not a boolean', '/api/v1/tasks/quick/run', { json: { with_deps: 'maybe' } }, 400, 'bad_request', /with_deps must be boolean/],
    ['with_deps as the text "true" (a JSON body is not coerced)', '/api/v1/tasks/quick/run', { json: { with_deps: 'true' } }, 400, 'bad_request', /^body\/with_deps must be boolean$/],
    ['with_deps as 1', '/api/v1/tasks/quick/run', { json: { with_deps: 1 } }, 400, 'bad_request', /^body\/with_deps must be boolean$/],
  ])('refuses %s', async (_what, route, init, status, code, message) => {
    const answer = await json(await daemon.call(route, { method: 'POST', ...init }));
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(message);
  });
});

describe('pause, resume, approvals', () => {
  it("pauses: the task's fires are recorded skipped with the reason paused; status shows it; resume fires again", async () => {
    const paused = await json(await daemon.call('/api/v1/tasks/tick/pause', { method: 'POST' }));
    expect(paused).toMatchObject({ status: 200, body: { task: 'tick', paused: true, by: 'api:default' } });
    const since = Date.parse(paused.body.since);
    await waitFor(() => rows(home).filter((r) => r.task === 'tick' && r.started_at > since && r.reason === 'paused').length >= 2, 'two paused fires');
    expect(rows(home).some((r) => r.task === 'tick' && r.started_at > since + 50 && r.status !== 'skipped')).toBe(false);
    expect((await json(await daemon.call('/api/v1/status'))).body.tasks[0]).toMatchObject({ name: 'tick', paused: true });
    expect((await json(await daemon.call('/api/v1/tasks/tick'))).body).toMatchObject({ paused: true, paused_by: 'api:default' });
    expect(JSON.parse(runCli(['status', '--json'], { home }).stdout).tasks[0].paused).toBe(true);
    const again = await json(await daemon.call('/api/v1/tasks/tick/pause', { method: 'POST' }));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already paused/);
    expect((await json(await daemon.call('/api/v1/tasks/tick/resume', { method: 'POST' }))).body).toEqual({ task: 'tick', paused: false });
    const resumedAt = Date.now();
    await waitFor(() => rows(home).some((r) => r.task === 'tick' && r.started_at > resumedAt && r.status === 'success'), 'tick to fire again');
  });

  it.each([
    ['resume of a task that is not paused', '/api/v1/tasks/quick/resume', 409, /is not paused/],
    ['pause of an unknown task', '/api/v1/tasks/nope/pause', 404, /no task named nope/],
    ['approve of an unknown run', '/api/v1/runs/nope/approve', 404, /no run with id nope/],
  ])('refuses %s', async (_what, route, status, message) => {
    const answer = await json(await daemon.call(route, { method: 'POST' }));
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
  });

  it('refuses to approve or reject a run that is not awaiting approval, saying its status', async () => {
    const [row] = (await json(await daemon.call('/api/v1/runs?task=tick&status=success&limit=1'))).body;
    for (const verb of ['approve', 'reject']) {
      const answer = await json(await daemon.call(`/api/v1/runs/${row.run_id}/${verb}`, { json: { comment: 'fine' } }));
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toMatch(/not awaiting approval \(its status is success\)/);
    }
  });
});

describe('GET /api/v1/audit', () => {
  it('lists operator actions newest first; since filters; the CLI audit reads the same rows', async () => {
    const { body } = await json(await daemon.call('/api/v1/audit'));
    expect(body.length).toBeGreaterThan(3);
    expect(Object.keys(body[0])).toEqual(['at', 'actor', 'source', 'action', 'task', 'run_id', 'detail']);
    const future = await json(await daemon.call(`/api/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`));
    expect(future.body).toEqual([]);
    expect((await daemon.call('/api/v1/audit?since=last-week')).status).toBe(400);
    const cli = JSON.parse(runCli(['audit', '--json', '--since', '1h'], { home }).stdout);
    expect(cli.map((r: any) => r.at)).toEqual(body.map((r: any) => r.at));
  });
});
