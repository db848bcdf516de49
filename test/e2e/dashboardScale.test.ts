// The dashboard with many tasks (400, in chains of four): the tasks table draws only the rows
// near the window yet every task is reachable by scrolling and by the filter; the DAG draws every
// node and edge, and search finds one. In Debian's Chromium against a real daemon.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.js';
import { makeHome } from '../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../helpers/daemon.js';

// The page's globals, for the functions page.evaluate runs in the browser (the tests' lib has no DOM).
declare const document: any, location: any, sessionStorage: any, scrollTo: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const COUNT = 400;
const name = (i: number) => `task_${String(i).padStart(4, '0')}`;
let daemon: Daemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const tasks = Array.from({ length: COUNT }, (_, i) => ({
    name: name(i),
    command: 'true',
    schedule: `${i % 60} ${i % 24} * * *`,
    ...(i % 4 === 0 ? {} : { dependencies: [name(i - 1)] }),
  }));
  daemon = await startDaemon(makeHome({ tasks, settings: { http: { port: 0 } } }));
  browser = await openBrowser(daemon.url);
  page = await browser.page();
  await page.goto(`${daemon.url}/#token=${daemon.token}`);
  await page.locator('table.tasks tr[data-task]').first().waitFor({ timeout: 90_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  killDaemons();
});

const drawn = () => page.locator('table.tasks tr[data-task]');

describe(`the tasks table at ${COUNT} tasks`, () => {
  it('says how many, draws only the rows near the window, and the last one on scrolling down', async () => {
    expect(await page.locator('#tasks-title .count').innerText()).toBe(String(COUNT));
    const count = await drawn().count();
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThan(COUNT / 2);
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await page.locator(`tr[data-task="${name(COUNT - 1)}"]`).waitFor();
    expect(await drawn().first().getAttribute('data-task')).not.toBe(name(0));
  });

  it('the filter finds any task', async () => {
    await page.getByLabel('Filter tasks by name').fill(name(257));
    await expect.poll(() => drawn().count()).toBe(1);
    expect(await drawn().first().innerText()).toMatch(/every day at 17:17/);
    await page.getByLabel('Filter tasks by name').fill('');
  });
});

describe(`the DAG at ${COUNT} tasks`, () => {
  it('draws every node and every edge; search finds and highlights one', async () => {
    await page.evaluate(() => (location.hash = '#/dag'));
    await expect.poll(() => page.locator('.dag a.node').count(), { timeout: 60_000 }).toBe(COUNT);
    expect(await page.locator('.dag path.edge').count()).toBe(COUNT - COUNT / 4);
    await page.getByLabel('Find a task in the graph').fill(name(123));
    await page.getByText('1 found').waitFor();
    expect(await page.locator('.dag a.node.hit').getAttribute('data-task')).toBe(name(123));
    expect(browser.problems).toEqual([]);
  });
});
