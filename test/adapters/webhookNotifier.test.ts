import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier } from '../../src/adapters/webhookNotifier.js';
import { notificationFor } from '../../src/core/notify/notificationFor.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, flush() {} };
const ending = { task: 'scan', run_id: 'r1', exit_code: 2, reason: 'exit code 2', attempts: 3 };

describe('notificationFor', () => {
  it.each([
    ['a failure for good', 'failed', null, 'failure'],
    ['a timeout', 'timeout', 'success', 'timeout'],
    ['the first success after a failure', 'success', 'failed', 'recovery'],
    ['the first success after a timeout', 'success', 'timeout', 'recovery'],
  ] as const)('notifies %s', (_label, status, previous, event) => {
    expect(notificationFor({ ...ending, status }, previous, 'host', 0)?.event).toBe(event);
  });
  it.each([
    ['a success after a success', 'success', 'success'],
    ['a first success', 'success', null],
    ['an interrupted run', 'interrupted', 'success'],
  ] as const)('stays quiet on %s', (_label, status, previous) => {
    expect(notificationFor({ ...ending, status }, previous, 'host', 0)).toBeNull();
  });
  it('gives Slack a text and machines the fields', () => {
    const n = notificationFor({ ...ending, status: 'failed' }, null, 'box', Date.UTC(2025, 0, 1));
    expect(n).toMatchObject({ task: 'scan', status: 'failed', exit_code: 2, host: 'box', at: '2025-01-01T00:00:00.000Z' });
    expect(n?.text).toMatch(/task scan failed after 3 attempt\(s\): exit code 2/);
  });
});

describe('the webhook notifier', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  async function listen(handler: http.RequestListener): Promise<string> {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`;
  }

  it('posts the JSON and retries after a server error', async () => {
    const bodies: unknown[] = [];
    let calls = 0;
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        bodies.push(JSON.parse(body));
        res.writeHead(calls === 1 ? 500 : 200).end();
      });
    });
    const notifier = createWebhookNotifier(url, silent, { backoffMs: 10 });
    notifier.send(notificationFor({ ...ending, status: 'failed' }, null, 'h', 0)!);
    await notifier.settle();
    expect(calls).toBe(2);
    expect(bodies[1]).toMatchObject({ event: 'failure', task: 'scan' });
  });

  it('gives up after its tries and logs it, without throwing', async () => {
    const warnings: string[] = [];
    const url = await listen((_req, res) => res.writeHead(503).end());
    const notifier = createWebhookNotifier(url, { ...silent, warn: (_f, m) => warnings.push(m) }, { tries: 2, backoffMs: 5 });
    notifier.send(notificationFor({ ...ending, status: 'timeout' }, null, 'h', 0)!);
    await notifier.settle();
    expect(warnings).toEqual(['notification not delivered']);
  });

  it('bounds each try by its timeout', async () => {
    const url = await listen(() => {
      /* never answers */
    });
    const warnings: string[] = [];
    const notifier = createWebhookNotifier(url, { ...silent, warn: (_f, m) => warnings.push(m) }, { tries: 1, timeoutMs: 100 });
    notifier.send(notificationFor({ ...ending, status: 'failed' }, null, 'h', 0)!);
    await notifier.settle();
    expect(warnings).toHaveLength(1);
    server?.closeAllConnections();
  });
});

describe('the webhook notifier, when the hook is slow', () => {
  let server: http.Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** A hook that holds every response until `release()`; `bodies` are the requests it got. */
  async function heldHook() {
    const bodies: { task: string; run_id: string }[] = [];
    const held: http.ServerResponse[] = [];
    let arrived: () => void = () => {};
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        held.push(res);
        arrived();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      bodies,
      nextRequest: () => new Promise<void>((resolve) => (arrived = resolve)),
      release: () => held.splice(0).forEach((res) => res.writeHead(200).end()),
    };
  }

  it('coalesces a storm of one task into the delivery in flight plus the latest one', async () => {
    const hook = await heldHook();
    const infos: Record<string, unknown>[] = [];
    const notifier = createWebhookNotifier(hook.url, { ...silent, info: (f) => infos.push(f) });
    for (const run_id of ['r1', 'r2', 'r3', 'r4']) notifier.send(notificationFor({ ...ending, run_id, status: 'failed' }, null, 'h', 0)!);
    notifier.send(notificationFor({ ...ending, task: 'other', run_id: 'o1', status: 'failed' }, null, 'h', 0)!);
    await until(() => hook.bodies.length === 2); // r1 and o1: one in flight per task
    hook.release();
    await until(() => hook.bodies.length === 3); // then r4, the latest; r2 and r3 were coalesced
    hook.release();
    await notifier.settle();
    expect(hook.bodies.filter((b) => b.task === 'scan').map((b) => b.run_id)).toEqual(['r1', 'r4']);
    expect(hook.bodies.filter((b) => b.task === 'other').map((b) => b.run_id)).toEqual(['o1']);
    expect(infos).toContainEqual({ task: 'scan', event: 'failure', coalesced: 2 });
  });

  it('gives up waiting at its bound: settle resolves, the delivery is aborted and logged', async () => {
    const hook = await heldHook();
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const notifier = createWebhookNotifier(hook.url, { ...silent, warn: (fields, message) => warnings.push({ fields, message }) });
    const arrived = hook.nextRequest();
    notifier.send(notificationFor({ ...ending, status: 'failed' }, null, 'h', 0)!);
    notifier.send(notificationFor({ ...ending, run_id: 'r2', status: 'failed' }, null, 'h', 0)!);
    await arrived;
    await notifier.settle(50);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/abandoned/);
    expect(warnings[0]?.fields).toMatchObject({ tasks: ['scan'], in_flight: 1, pending: 1, waited_ms: 50 });
    expect(hook.bodies).toHaveLength(1);
  });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
