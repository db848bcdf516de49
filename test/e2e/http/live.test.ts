// The live side of a real daemon's HTTP server: Server-Sent Events, a run's log followed while
// it runs, cancel, clients that go away mid-stream, 200 requests at once while a task fires
// every second, the Prometheus metrics (checked by promtool), and /health telling the truth.
import { execFileSync, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { rows, waitFor } from '../../helpers/wait.js';

let home: string;
let daemon: Daemon;

beforeAll(async () => {
  home = makeHome({
    tasks: [
      { name: 'tick', command: 'echo tick', schedule: '* * * * * *' },
      { name: 'talk', command: 'for i in 1 2 3 4 5; do echo line $i; sleep 0.2; done' },
      { name: 'long', command: 'echo started; exec sleep 60', retry_count: 2, retry_delay: 0, kill_grace: 1 },
      { name: 'after_long', command: 'true', dependencies: ['long'] },
      { name: 'fails', command: 'echo nope; exit 3' },
    ],
  });
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

const post = (route: string, json: unknown = {}) => daemon.call(route, { json });
const body = async (response: Response) => (await response.json()) as any;

describe('GET /api/v1/events', () => {
  it('sends a heartbeat at once, then a run event on every state change of a run', async () => {
    const stream = await daemon.call('/api/v1/events');
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let runId = '';
    const events = readEvents(stream, (e) => e.event === 'run' && e.data.run_id === runId && e.data.type === 'run.ended');
    // The stream is subscribed once its first heartbeat is out; ask for a run on another connection.
    await new Promise((resolve) => setTimeout(resolve, 200));
    runId = (await body(await post('/api/v1/tasks/talk/run'))).run_id;
    const all = await events;
    expect(all[0]?.event).toBe('heartbeat');
    const ours = all.filter((e) => e.event === 'run' && e.data.run_id === runId).map((e) => e.data);
    expect(ours.map((d) => [d.type, d.status, d.attempt])).toEqual([
      ['run.queued', 'queued', null],
      ['attempt.started', 'running', 1],
      ['attempt.ended', 'success', 1],
      ['run.ended', 'success', 1],
    ]);
    for (const data of ours) expect(data).toMatchObject({ run_id: runId, task: 'talk', trigger: 'api' });
    expect(ours[1].at).toMatch(/Z$/);
  });

  it('answers HEAD with its headers and ends (no stream left open that nothing reads)', async () => {
    const answer = await Promise.race([daemon.call('/api/v1/events', { method: 'HEAD' }), new Promise<null>((resolve) => setTimeout(resolve, 5000, null))]);
    expect(answer, 'no answer within 5 s').not.toBeNull();
    const response = answer as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  });

  it('sends a task event on a pause and a resume', async () => {
    const stream = await daemon.call('/api/v1/events');
    const events = readEvents(stream, (e) => e.event === 'task' && e.data.paused === false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await post('/api/v1/tasks/fails/pause');
    await post('/api/v1/tasks/fails/resume');
    const tasks = (await events).filter((e) => e.event === 'task').map((e) => [e.data.task, e.data.paused, e.data.actor]);
    expect(tasks).toEqual([
      ['fails', true, 'api:default'],
      ['fails', false, 'api:default'],
    ]);
  });
});

describe('GET /api/v1/runs/{run_id}/log', () => {
  it('?follow=1 streams the output while the run runs, and ends when it ends', async () => {
    const { run_id: runId } = await body(await post('/api/v1/tasks/talk/run'));
    const response = await daemon.call(`/api/v1/runs/${runId}/log?follow=1`);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(`run=${runId} attempt=1 task=talk`);
    // the first chunk came while the run still ran: it is not in history as ended yet, or just ended
    let text = first;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.split('\n').filter((l) => l.startsWith('line '))).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(rows(home).find((r) => r.run_id === runId)?.status).toBe('success');
    const plain = await (await daemon.call(`/api/v1/runs/${runId}/log`)).text();
    expect(plain).toBe(text);
    const empty = await daemon.call(`/api/v1/runs/${runId}/log?follow=`); // an empty value is no value, as on /runs
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe(text);
  });

  it('is a 404 for an unknown run, and a 400 for a bad follow value', async () => {
    expect((await daemon.call('/api/v1/runs/nope/log')).status).toBe(404);
    expect((await daemon.call('/api/v1/runs/nope/log?follow=yes')).status).toBe(400);
  });
});

describe('POST /api/v1/runs/{run_id}/cancel', () => {
  it('stops a running run: cancelled, not retried; its dependents would be skipped; a second cancel is a 409', async () => {
    const { run_id: runId } = await body(await post('/api/v1/tasks/long/run'));
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'running'), 'long to run');
    const answer = await post(`/api/v1/runs/${runId}/cancel`);
    expect(answer.status).toBe(202);
    expect(await body(answer)).toEqual({ run_id: runId, task: 'long', state: 'running' });
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'cancelled'), 'the run to end cancelled');
    const attempts = rows(home).filter((r) => r.run_id === runId);
    expect(attempts.map((r) => [r.status, r.reason, r.exit_code])).toEqual([['cancelled', 'cancelled by api:default', 143]]);
    const again = await post(`/api/v1/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect((await body(again)).error.message).toMatch(/it ended cancelled/);
    expect((await post('/api/v1/runs/20250101T000000Z-00000000/cancel')).status).toBe(404);
    const audit = (await body(await daemon.call('/api/v1/audit?limit=1')))[0];
    expect(audit).toMatchObject({ action: 'cancel', task: 'long', run_id: runId, actor: 'api:default', detail: 'cancelled by api:default' });
  });
});

describe('clients that go away, and many at once', () => {
  it('cleans up an event stream and a followed log whose client disconnects mid-stream; the daemon goes on', async () => {
    const { run_id: runId } = await body(await post('/api/v1/tasks/long/run'));
    for (let i = 0; i < 10; i++) {
      const abort = new AbortController();
      const events = await fetch(`${daemon.url}/api/v1/events`, { headers: { authorization: `Bearer ${daemon.token}` }, signal: abort.signal });
      await (events.body as ReadableStream<Uint8Array>).getReader().read();
      const log = await fetch(`${daemon.url}/api/v1/runs/${runId}/log?follow=1`, { headers: { authorization: `Bearer ${daemon.token}` }, signal: abort.signal });
      await (log.body as ReadableStream<Uint8Array>).getReader().read();
      abort.abort();
    }
    const before = rows(home).filter((r) => r.task === 'tick').length;
    await waitFor(() => rows(home).filter((r) => r.task === 'tick').length >= before + 2, 'tick to keep firing');
    expect((await daemon.call('/health', { token: null })).status).toBe(200);
    await post(`/api/v1/runs/${runId}/cancel`);
    expect(daemon.child.exitCode).toBeNull();
  });

  it('answers 200 concurrent requests while a * * * * * * task keeps firing on its seconds', async () => {
    const from = Date.now();
    const routes = ['/api/v1/status', '/api/v1/runs?limit=100', '/api/v1/tasks', '/health', '/metrics', '/api/v1/graph', '/api/v1/runs?task=tick'];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => daemon.call(routes[i % routes.length] as string)));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      await Promise.all(answers.map((a) => a.arrayBuffer()));
    }
    await waitFor(() => rows(home).some((r) => r.task === 'tick' && r.started_at > Date.now() - 500), 'a fresh tick');
    const ticks = rows(home).filter((r) => r.task === 'tick' && (r.fire_at ?? 0) >= from);
    expect(ticks.some((r) => /missed/.test(r.reason ?? ''))).toBe(false);
    const seconds = ticks.map((r) => (r.fire_at as number) / 1000).sort((a, b) => a - b);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBe(1);
  });
});

describe('GET /metrics', () => {
  it('has every metric the contract names, with live values, and passes promtool check metrics', async () => {
    await post('/api/v1/tasks/fails/run');
    await waitFor(() => rows(home).some((r) => r.task === 'fails' && r.status === 'failed'), 'fails to fail');
    const text = await (await daemon.call('/metrics', { token: null })).text();
    for (const name of [
      'conductor_runs_total',
      'conductor_run_duration_seconds',
      'conductor_task_last_success_timestamp_seconds',
      'conductor_runs_running',
      'conductor_queue_depth',
      'conductor_fire_lateness_seconds',
      'conductor_watch_files_pending',
      'conductor_webhooks_total',
      'process_resident_memory_bytes',
    ]) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/^conductor_runs_total\{task="fails",status="failed"\} [1-9]/m);
    expect(text).toMatch(/^conductor_runs_total\{task="long",status="cancelled"\} [1-9]/m);
    expect(text).toMatch(/^conductor_fire_lateness_seconds_count [1-9]/m);
    expect(text).toMatch(/^conductor_run_duration_seconds_count\{task="tick"\} [1-9]/m);
    const last = Number(/^conductor_task_last_success_timestamp_seconds\{task="tick"\} (\S+)/m.exec(text)?.[1]);
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(60);
    expect(text).toMatch(/^conductor_runs_running \d+$/m);
    if (!hasPromtool()) {
      console.warn('promtool is not installed (Debian package prometheus): skipping promtool check metrics');
      return;
    }
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('GET /health', () => {
  it('is 503 degraded, with the reason, while the history cannot be written; ok again after', async () => {
    // With no run in flight: the loop's own writes (paused fires recorded skipped) fail and it
    // goes on; a run's bookkeeping that cannot be written still stops the daemon (exit 1, restarted).
    await post('/api/v1/tasks/tick/pause');
    await waitFor(() => rows(home).filter((r) => r.task === 'tick').at(-1)?.reason === 'paused', 'a paused fire');
    await waitFor(() => !rows(home).some((r) => r.status === 'running'), 'no run in flight');
    const db = new Database(path.join(home, 'status', 'conductor.db'), { timeout: 1000 });
    try {
      db.exec('BEGIN IMMEDIATE'); // holds the write lock past the daemon's 10 s busy timeout
      const degraded = await waitFor(
        async () => {
          const response = await daemon.call('/health', { token: null });
          return response.status === 503 ? ((await response.json()) as any) : null;
        },
        'a 503',
        40_000,
      );
      expect(degraded).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/^the history cannot be written .*database is locked/) });
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
    await waitFor(async () => (await daemon.call('/health', { token: null })).status === 200, 'ok again', 40_000);
    expect(daemon.child.exitCode).toBeNull();
    const resumed = Date.now();
    await post('/api/v1/tasks/tick/resume');
    await waitFor(() => rows(home).some((r) => r.task === 'tick' && r.started_at > resumed && r.status === 'success'), 'tick to fire again');
  }, 90_000);
});

function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
