// Approval gates through a real daemon: a run that awaits approval is approved or rejected from
// the shell (`approve`/`reject --run ID [--comment]`) or over HTTP, shows in status and the live
// events, goes on or ends skipped, and leaves a row in the audit log; a decision on a run that
// is not awaiting one is refused with its status (exit 1 / 409).
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { exitOf, rows, waitFor } from '../../helpers/wait.js';

let home: string;
let daemon: Daemon;
const user = os.userInfo().username;

beforeAll(async () => {
  home = makeHome({
    tasks: [
      { name: 'gated', command: 'echo gated ran', approval: { timeout: 3600, message: 'look first' } },
      { name: 'after_gated', command: 'echo after', dependencies: ['gated'] },
    ],
    settings: { http: { port: 0 } },
  });
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });

/** Asks for a run of `gated` over the API; it awaits approval (the live stream says so). */
async function awaitingRun(): Promise<string> {
  const events = await daemon.call('/api/v1/events');
  const seen = readEvents(events, (e) => e.event === 'run' && e.data.status === 'awaiting_approval');
  const started = await json(await daemon.call('/api/v1/tasks/gated/run', { method: 'POST' }));
  expect(started).toMatchObject({ status: 202, body: { task: 'gated', status: 'awaiting_approval' } });
  const last = (await seen).at(-1);
  expect(last?.data).toMatchObject({ run_id: started.body.run_id, task: 'gated', status: 'awaiting_approval', attempt: null, message: 'look first' });
  expect(last?.data.expires_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  return started.body.run_id as string;
}

const statusOf = () => JSON.parse(runCli(['status', '--json'], { home }).stdout);

describe('approve --run from the shell', () => {
  it('starts the waiting run at once; the audit log names the OS user and the comment', async () => {
    const runId = await awaitingRun();
    expect(statusOf().awaiting_approval).toEqual([expect.objectContaining({ run_id: runId, task: 'gated' })]);
    const result = runCli(['approve', '--run', runId, '--comment', 'checked'], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^approved run ${runId} of gated: it is (queued|running|success) now\\n$`));
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'success'), 'the approved run to succeed');
    expect(statusOf().awaiting_approval).toEqual([]);
    const [audit] = JSON.parse(runCli(['audit', '--json', '-n', '1'], { home }).stdout);
    expect(audit).toMatchObject({ actor: user, source: 'cli', action: 'approve', task: 'gated', run_id: runId, detail: expect.stringMatching(/^checked; via the API/) });
  });

  it('refuses a second decision, saying the run is not awaiting approval and its status: exit 1', () => {
    const done = rows(home).find((r) => r.task === 'gated' && r.status === 'success');
    for (const verb of ['approve', 'reject']) {
      const again = runCli([verb, '--run', done!.run_id], { home });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(new RegExp(`refused \\(409\\): cannot ${verb} run ${done!.run_id}: it is not awaiting approval \\(its status is success\\)`));
    }
    const unknown = runCli(['approve', '--run', 'nope'], { home });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/refused \(404\): no run with id nope/);
  });
});

describe('reject --run from the shell', () => {
  it('ends the run skipped with who and why, as history shows', async () => {
    const runId = await awaitingRun();
    const result = runCli(['reject', '--run', runId, '-m', 'not today'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`rejected run ${runId} of gated: it ends skipped, and its dependents with it\n`);
    const row = await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'skipped'), 'the rejected run to be recorded');
    expect(row.reason).toBe(`rejected by ${user}: not today`);
    const history = JSON.parse(runCli(['history', '--json', '--task', 'gated', '--limit', '1'], { home }).stdout);
    expect(history[0]).toMatchObject({ run_id: runId, status: 'skipped', reason: `rejected by ${user}: not today` });
  });
});

describe('POST /api/v1/runs/{id}/approve and /reject', () => {
  it('approve: 200 with the run and its new state; the run succeeds; audit actor api:<label>', async () => {
    const runId = await awaitingRun();
    const answer = await json(await daemon.call(`/api/v1/runs/${runId}/approve`, { json: { comment: 'ok by curl' } }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ run_id: runId, task: 'gated', decision: 'approved' });
    expect(['queued', 'running', 'success']).toContain(answer.body.status);
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'success'), 'the approved run to succeed');
    const audit = (await json(await daemon.call('/api/v1/audit?limit=1'))).body[0];
    expect(audit).toMatchObject({ actor: 'api:default', source: 'api', action: 'approve', run_id: runId, detail: 'ok by curl' });
  });

  it('reject with no body: skipped, "rejected by api:<label>"; a second reject is a 409 naming the status', async () => {
    const runId = await awaitingRun();
    const answer = await json(await daemon.call(`/api/v1/runs/${runId}/reject`, { method: 'POST' }));
    expect(answer).toMatchObject({ status: 200, body: { run_id: runId, decision: 'rejected', status: 'skipped' } });
    expect(rows(home).find((r) => r.run_id === runId)).toMatchObject({ status: 'skipped', reason: 'rejected by api:default' });
    const again = await json(await daemon.call(`/api/v1/runs/${runId}/reject`, { method: 'POST' }));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`cannot reject run ${runId}: it is not awaiting approval (its status is skipped: rejected by api:default)`);
  });

  it.each([{ text: 'no' }, 5, true, ['no']])('refuses a comment that is not text (%j), not even coerced to one: 400 naming it', async (comment) => {
    for (const verb of ['approve', 'reject']) {
      const answer = await json(await daemon.call(`/api/v1/runs/nope/${verb}`, { json: { comment } }));
      expect(answer).toEqual({ status: 400, body: { error: { code: 'bad_request', message: 'body/comment must be string' } } });
    }
  });
});

describe('run --task of a task with an approval gate', () => {
  it('through the daemon: waits for a decision, or runs at once with --approved and audits the OS user as its approver', async () => {
    // Without --approved the run waits in the daemon; the command follows it until a decision ends it.
    const waiting = spawnCli(['run', '--task', 'gated'], { home });
    let said = '';
    waiting.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const pending = await waitFor(() => (statusOf().awaiting_approval as { run_id: string }[])[0], 'the run to await approval');
    // It says so at once, with what to type (it used to print nothing until a decision came).
    await waitFor(() => said.includes(`.. gated: awaiting approval`), 'the awaiting line');
    expect(said).toContain(`symphony-conductor approve --run ${pending.run_id} (or reject); it gives up at 20`);
    expect(runCli(['reject', '--run', pending.run_id, '--comment', 'not now'], { home }).code).toBe(0);
    expect((await exitOf(waiting)).code).toBe(0);
    expect(said).toMatch(/rejected by .*: not now/);
    const result = runCli(['run', '--task', 'gated', '--approved'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok gated: succeeded/);
    const audit = JSON.parse(runCli(['audit', '--json', '-n', '2'], { home }).stdout) as { action: string; actor: string; run_id: string | null }[];
    expect(audit.map((a) => a.action).sort()).toEqual(['approve', 'run']);
    expect(audit.every((a) => a.actor === user)).toBe(true);
    expect(audit[0]?.run_id).toBe(audit[1]?.run_id);
  });

  it('in the foreground: refused without --approved (exit 1, saying how), run with it and audited as approved', () => {
    const alone = makeHome({ tasks: [{ name: 'gated', command: 'true', approval: { timeout: 60 } }], settings: { http: { enabled: false } } });
    const refused = runCli(['run', '--task', 'gated'], { home: alone });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs approval before it runs: run it with --approved/);
    const result = runCli(['run', '--task', 'gated', '--approved'], { home: alone });
    expect(result.code).toBe(0);
    const audit = JSON.parse(runCli(['audit', '--json'], { home: alone }).stdout) as { action: string; actor: string; source: string }[];
    expect(audit.map((a) => `${a.source}:${a.action}:${a.actor}`).sort()).toEqual([`cli:approve:${user}`, `cli:run:${user}`]);
  });
});

describe('a run awaiting approval, with the real daemon', () => {
  it('is followed by logs --run -f until it has run; a second run --approved, skipped under forbid, audits no approval', async () => {
    const own = makeHome({ tasks: [{ name: 'gate', command: 'echo gate ran', approval: { timeout: 3600 } }], settings: { http: { port: 0 } } });
    const d = await startDaemon(own);
    const started = (await (await d.call('/api/v1/tasks/gate/run', { method: 'POST' })).json()) as { run_id: string };
    const follower = spawnCli(['logs', '--task', 'gate', '--run', started.run_id, '-f'], { home: own });
    let out = '';
    follower.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const skipped = runCli(['run', '--task', 'gate', '--approved'], { home: own });
    expect(skipped.stdout).toContain('-- gate: skipped: awaiting approval');
    const audit = JSON.parse(runCli(['audit', '--json'], { home: own }).stdout) as { action: string; detail: string }[];
    expect(audit.map((a) => a.action)).not.toContain('approve');
    expect(follower.exitCode).toBeNull(); // still following the run that waits
    expect(runCli(['approve', '--run', started.run_id], { home: own }).code).toBe(0);
    expect((await exitOf(follower)).code).toBe(0);
    expect(out).toContain('gate ran');
    await d.stop();
  });

  it('is skipped when its timeout passes with no decision (approval timed out), and a late approve is refused', async () => {
    const own = makeHome({ tasks: [{ name: 'brief', command: 'true', approval: { timeout: 1 } }], settings: { http: { port: 0 } } });
    const d = await startDaemon(own);
    const started = (await (await d.call('/api/v1/tasks/brief/run', { method: 'POST' })).json()) as { run_id: string; status: string };
    expect(started.status).toBe('awaiting_approval');
    const row = await waitFor(() => rows(own).find((r) => r.run_id === started.run_id && r.status === 'skipped'), 'the approval to time out');
    expect(row.reason).toBe('approval timed out');
    const late = runCli(['approve', '--run', started.run_id], { home: own });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/not awaiting approval \(its status is skipped: approval timed out\)/);
  });

  it('survives a restart of the daemon: still awaiting, then approved and run by the next one', async () => {
    const own = makeHome({ tasks: [{ name: 'kept', command: 'true', approval: { timeout: 3600 } }], settings: { http: { port: 0 } } });
    const first = await startDaemon(own);
    const started = (await (await first.call('/api/v1/tasks/kept/run', { method: 'POST' })).json()) as { run_id: string };
    first.child.kill('SIGTERM');
    expect((await exitOf(first.child)).code).toBe(0);
    const cold = JSON.parse(runCli(['status', '--json'], { home: own }).stdout) as { awaiting_approval: { run_id: string }[] };
    expect(cold.awaiting_approval.map((a) => a.run_id)).toEqual([started.run_id]);
    await startDaemon(own);
    expect(statusIn(own).awaiting_approval.map((a) => a.run_id)).toEqual([started.run_id]);
    expect(runCli(['approve', '--run', started.run_id], { home: own }).code).toBe(0);
    await waitFor(() => rows(own).find((r) => r.run_id === started.run_id && r.status === 'success'), 'the approved run to succeed after the restart');
  });
});

function statusIn(dir: string): { awaiting_approval: { run_id: string }[] } {
  return JSON.parse(runCli(['status', '--json'], { home: dir }).stdout) as { awaiting_approval: { run_id: string }[] };
}

describe('a run asked for with its upstream (with_deps)', () => {
  it('answers for the run id it gave at once: queued while its upstream goes; a cancel then stops the request, and the run is recorded skipped', async () => {
    const started = await json(await daemon.call('/api/v1/tasks/after_gated/run', { method: 'POST', json: { with_deps: true } }));
    expect(started.status).toBe(202);
    const runId = started.body.run_id as string;
    await waitFor(() => (statusOf().awaiting_approval as { task: string }[]).some((a) => a.task === 'gated'), 'the upstream to await approval');
    expect(await json(await daemon.call(`/api/v1/runs/${runId}`))).toEqual({
      status: 200,
      body: { run_id: runId, task: 'after_gated', status: 'queued', trigger: 'api', reason: 'waiting for its upstream to finish (gated)', attempts: [] },
    });
    expect(await json(await daemon.call(`/api/v1/runs/${runId}/cancel`, { method: 'POST' }))).toEqual({ status: 202, body: { run_id: runId, task: 'after_gated', state: 'queued' } });
    const detail = await waitFor(async () => {
      const answer = await json(await daemon.call(`/api/v1/runs/${runId}`));
      return answer.body.status === 'skipped' ? answer.body : null;
    }, 'the run to be recorded');
    expect(detail).toMatchObject({ task: 'after_gated', reason: 'not started: cancelled by api:default' });
    expect(statusOf().awaiting_approval).toEqual([]);
  });
});

describe('a run asked for with its upstream, followed', () => {
  it('streams its log with ?follow=1 from before it starts until it ends, and a follower stopped by a signal records it interrupted', async () => {
    const started = await json(await daemon.call('/api/v1/tasks/after_gated/run', { method: 'POST', json: { with_deps: true } }));
    const runId = started.body.run_id as string;
    const pending = await waitFor(() => (statusOf().awaiting_approval as { run_id: string; task: string }[]).find((a) => a.task === 'gated'), 'the upstream to await approval');
    const follow = daemon.call(`/api/v1/runs/${runId}/log?follow=1`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 1500)); // it used to end here, empty, before the run began
    expect(runCli(['approve', '--run', pending.run_id], { home }).code).toBe(0);
    expect(await follow).toContain('after');
    expect((await json(await daemon.call(`/api/v1/runs/${runId}`))).body).toMatchObject({ status: 'success', task: 'after_gated' });

    // run --task --with-deps through the daemon, stopped by Ctrl-C: it cancels with the signal (this host's CLI, main token).
    const second = await json(await daemon.call('/api/v1/tasks/after_gated/run', { method: 'POST', json: { with_deps: true } }));
    await waitFor(() => (statusOf().awaiting_approval as { task: string }[]).some((a) => a.task === 'gated'), 'the upstream to await approval again');
    expect((await daemon.call(`/api/v1/runs/${second.body.run_id}/cancel`, { method: 'POST', json: { cli_user: 'someone', interrupted_by: 'SIGINT' } })).status).toBe(202);
    const ended = await waitFor(async () => {
      const answer = await json(await daemon.call(`/api/v1/runs/${second.body.run_id}`));
      return answer.body.status === 'skipped' ? answer.body : null;
    }, 'the run to be recorded');
    expect(ended.reason).toBe('not started: interrupted by SIGINT');
  });
});
