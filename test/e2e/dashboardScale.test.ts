// The dashboard with many tasks (400, in chains of four): the tasks table draws only the rows
// near the window yet every task is reachable by scrolling and by the filter; the DAG draws every
// node and edge, search finds one, and on a laptop's screen it opens readable, from its top left,
// with zoom, pan and Fit at hand. In Debian's Chromium against a real daemon.
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

describe(`the DAG at ${COUNT} tasks on a laptop's screen (1366 x 768)`, () => {
  it('opens readable (scale 0.8: names ~10 px), from its top left with nothing cut at that edge; zoom, pan, Fit and Tab work', async () => {
    const laptop = await browser.page();
    await laptop.setViewportSize({ width: 1366, height: 768 });
    await laptop.goto(`${daemon.url}/#token=${daemon.token}`);
    await laptop.evaluate(() => (location.hash = '#/dag'));
    const nodes = laptop.locator('.dag a.node');
    await expect.poll(() => nodes.count(), { timeout: 60_000 }).toBe(COUNT);
    const scale = async () => Number(/scale\(([\d.]+)\)/.exec((await laptop.locator('.dag svg > g').getAttribute('transform')) ?? '')?.[1]);
    await expect.poll(scale).toBeGreaterThanOrEqual(0.8);
    expect((await laptop.locator('.dag a.node text.name').first().boundingBox())?.height).toBeGreaterThanOrEqual(9);
    // Where each node is drawn against the graph's box: whole inside it, cut by an edge, or out of it.
    const placed = () =>
      laptop.locator('.dag').evaluate((dag) => {
        const box = dag.getBoundingClientRect();
        return [...dag.querySelectorAll('a.node')].map((node) => {
          const r = node.getBoundingClientRect();
          const name = node.getAttribute('data-task');
          if (r.right <= box.left || r.left >= box.right || r.bottom <= box.top || r.top >= box.bottom) return { name, where: 'out' };
          if (r.left < box.left || r.top < box.top) return { name, where: 'cut at the left or top' };
          return { name, where: r.right <= box.right && r.bottom <= box.bottom ? 'in' : 'cut at the right or bottom' };
        });
      });
    const opened = await placed();
    expect(opened.filter((n) => n.where === 'cut at the left or top')).toEqual([]);
    expect(opened.find((n) => n.name === name(0))?.where).toBe('in'); // the first chain's root, at the top left
    expect(opened.filter((n) => n.where === 'in').length).toBeGreaterThan(10);

    // Zoom out and in with the buttons and the keys; pan with an arrow key.
    const before = await scale();
    await laptop.getByRole('button', { name: 'Zoom out' }).click();
    await expect.poll(scale).toBeLessThan(before);
    await laptop.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(scale).toBeCloseTo(before, 5);
    const moved = () => laptop.locator('.dag svg > g').getAttribute('transform');
    const at = await moved();
    await laptop.locator('.dag').focus();
    await laptop.keyboard.press('ArrowLeft');
    await expect.poll(moved).not.toBe(at);

    // A node reached by the keyboard (focused) out of view is brought into it.
    const far = (await placed()).find((n) => n.where === 'out')?.name as string;
    expect(far).toBeTruthy();
    await laptop.locator(`.dag a.node[data-task="${far}"]`).focus();
    await expect.poll(async () => (await placed()).find((n) => n.name === far)?.where).toBe('in');

    // Fit: the whole graph in view, whatever the scale.
    await laptop.getByRole('button', { name: /^Fit/ }).click();
    await expect.poll(async () => (await placed()).filter((n) => n.where !== 'in').length).toBe(0);
    expect(browser.problems).toEqual([]);
    await laptop.close();
  }, 120_000);
});
