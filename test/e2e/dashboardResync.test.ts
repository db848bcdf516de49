// The dashboard when the daemon changes under it, in Debian's Chromium against a real daemon: a
// config reload (SIGHUP), a restart (with a run recorded while it was down), a run page open
// across a restart, and a restart with another API token. The page must not stay on what it
// showed before: it refetches when the event stream comes back, and asks for the token again
// when the daemon refuses the one it has. Waits on elements and rows, never on fixed sleeps.
import net from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.js';
import { makeHome, runCli, writeConfig } from '../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait.js';

const SLOW = 90_000; // Chromium starting on a loaded 2-core machine
let home: string;
let port: number;
let daemon: Daemon;
let browser: Browser;
let page: Page;

const a = { name: 'a', command: 'echo a' };
const b = { name: 'b', command: 'echo b' };
const c = { name: 'c', command: 'echo c' };
const long = { name: 'long', command: 'echo long started; exec sleep 60', kill_grace: 1 };
// The daemon comes back on the same port (the page's origin): one free port, chosen now.
const config = (tasks: unknown[]) => ({ tasks, settings: { http: { port }, shutdown_timeout: 1 } });

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: found } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return found;
}

beforeAll(async () => {
  port = await freePort();
  home = makeHome();
  writeConfig(home, config([a, b, long]));
  daemon = await startDaemon(home);
  // Chromium logs what the stream and the requests meet while the daemon is down or refuses the
  // token (refused connections, 401, 503 while it closes): meant here.
  browser = await openBrowser(daemon.url);
  page = await browser.page(1280, /ERR_CONNECTION_REFUSED|status of (401|503)|EventSource/);
  await page.goto(`${daemon.url}/#token=${daemon.token}`);
  await page.locator('table.tasks tr[data-task="a"]').waitFor({ timeout: SLOW });
}, SLOW * 2);

afterAll(async () => {
  await browser?.close();
  killDaemons();
});

const shown = () => page.locator('table.tasks tr[data-task]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-task')).join(','));
const live = () => page.locator('header .live').innerText();
const go = (hash: string) => page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);

async function restart(env: Record<string, string> = {}): Promise<void> {
  expect(await daemon.stop()).toBe(0);
  daemon = await startDaemon(home, env);
  expect(daemon.url).toBe(`http://127.0.0.1:${port}`);
}

describe('the dashboard follows the daemon it talks to', () => {
  it('a reload (SIGHUP) that removes a task and adds one: the tasks view and the DAG show the new tasks', async () => {
    expect(await shown()).toBe('a,b,long');
    await go('#/dag');
    await expect.poll(() => page.locator('.dag a.node').count()).toBe(3);
    await go('#/tasks');
    writeConfig(home, config([a, c, long]));
    daemon.child.kill('SIGHUP');
    await expect.poll(shown, { timeout: 15_000 }).toBe('a,c,long');
    await go('#/dag');
    await page.locator('.dag a.node[data-task="c"]').waitFor();
    expect(await page.locator('.dag a.node[data-task="b"]').count()).toBe(0);
    await go('#/tasks');
  });

  it('a restart, with a run recorded while the daemon was down: the page says reconnecting, then shows the run', async () => {
    await expect.poll(live).toMatch(/live$/);
    expect(await page.locator('tr[data-task="a"] td[data-label="Last run"]').innerText()).toMatch(/never/);
    expect(await daemon.stop()).toBe(0);
    await expect.poll(live).toMatch(/reconnecting/);
    const run = runCli(['run', '--task', 'a'], { home });
    expect(run.code).toBe(0);
    daemon = await startDaemon(home);
    await expect.poll(live, { timeout: 20_000 }).toMatch(/live$/);
    await page.locator('tr[data-task="a"] td[data-label="Last run"]').getByText('✓ success').waitFor({ timeout: 15_000 });
  }, SLOW);

  it('a run page open across a restart: the interrupted run shows as such, with no Cancel and no live log', async () => {
    const started = (await (await daemon.call('/api/v1/tasks/long/run', { method: 'POST' })).json()) as { run_id: string };
    await go(`#/runs/${started.run_id}`);
    await page.locator('pre.log').getByText('long started').waitFor();
    await page.locator('h2').filter({ hasText: 'following live' }).waitFor();
    await restart();
    const state = await waitFor(async () => {
      const detail = (await (await daemon.call(`/api/v1/runs/${started.run_id}`)).json()) as { status: string };
      return detail.status !== 'running' && detail.status;
    }, 'the run to have ended');
    expect(state).toBe('interrupted');
    await page.locator('.bar .badge').getByText('interrupted').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    expect(await page.locator('h2').filter({ hasText: 'following live' }).count()).toBe(0);
    await page.locator('pre.log').getByText('long started').waitFor();
  }, SLOW);

  it('a restart with another API token: the page asks for the token, saying the old one was refused', async () => {
    await go('#/tasks');
    await page.locator('table.tasks tr[data-task="a"]').waitFor();
    await restart({ CONDUCTOR_API_TOKEN: 'another-token-for-this-test' });
    await page.getByLabel('API token').waitFor({ timeout: 30_000 });
    await page.getByRole('alert').filter({ hasText: /refused/ }).waitFor();
    await page.getByLabel('API token').fill('another-token-for-this-test');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.locator('table.tasks tr[data-task="a"]').waitFor();
    await expect.poll(live, { timeout: 15_000 }).toMatch(/live$/);
  }, SLOW);

  it('no error in the page itself', () => {
    expect(browser.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});
