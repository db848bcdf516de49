// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
// daemon: each view shows the real data and follows runs live, each action (run now, pause,
// resume, cancel, approve, reject) works and shows in history/status/audit, the page logs in with
// the #token= link, works at a phone's width and from the keyboard, logs no console error, and
// sends no request anywhere but the daemon. Waits on elements and rows, never on fixed sleeps.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.js';
import { makeHome, runCli } from '../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../helpers/daemon.js';
import { rows, waitFor } from '../helpers/wait.js';

// The page's globals, for the functions page.evaluate runs in the browser (the tests' lib has no DOM).
declare const document: any, location: any, sessionStorage: any, scrollTo: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SLOW = 90_000; // Chromium starting on a loaded 2-core machine
let home: string;
let daemon: Daemon;
let browser: Browser;
let page: Page;

const tasks = [
  { name: 'quick', command: 'echo quick output' },
  { name: 'gate', command: 'echo gate started; while [ ! -f "$CONDUCTOR_HOME/release.$CONDUCTOR_RUN_ID" ]; do sleep 0.05; done; echo released' },
  { name: 'long', command: 'echo long started; exec sleep 60' },
  { name: 'nightly', command: 'true', schedule: '0 3 * * *', timezone: 'Asia/Tokyo' }, // not the browser's zone
  { name: 'up', command: 'echo up' },
  { name: 'down', command: 'echo down', dependencies: ['up'] },
  { name: 'checked', command: 'echo checked ran', approval: { timeout: 3600, message: 'look at the analysis first' } },
  { name: 'off', command: 'true', enabled: false },
  { name: 'intake', command: 'true', watch: { path: 'in', pattern: '*.csv' } },
];

/**
 * 120 old attempts of a task `archive`, so the runs view has pages; and 75 of a task `burst`, 60
 * of them started in one millisecond (as one tick's skipped fires are), across a page's end.
 */
function seedHistory(target: string): void {
  const db = new Database(path.join(target, 'status', 'conductor.db'));
  const start = Date.now() - 2 * 86_400_000;
  const attempt = db.prepare(
    'INSERT INTO attempts (run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason, fire_at, handle, owner_pid, owner_start) VALUES (?, ?, 1, ?, ?, ?, ?, ?, NULL, 1000, NULL, ?, NULL, 1, 1)',
  );
  const run = db.prepare("INSERT INTO runs (run_id, task, trigger, state, source, requested_at, fire_at, reason, attempts, finished_at) VALUES (?, ?, 'schedule', ?, 'daemon', ?, ?, NULL, 1, ?)");
  const seed = (task: string, i: number, at: number, status: string) => {
    const id = `${new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${String(i).padStart(8, '0')}`;
    attempt.run(id, task, 'schedule', status, at, at + 1000, status === 'success' ? 0 : 1, at);
    run.run(id, task, status, at, at, at + 1000);
  };
  db.transaction(() => {
    for (let i = 0; i < 120; i++) seed('archive', i, start + i * 60_000, i % 10 === 0 ? 'failed' : 'success');
    for (let i = 0; i < 75; i++) seed('burst', 1000 + i, start + (i < 5 ? i : i < 65 ? 5 : i - 59) * 60_000, 'success');
    // Two attempts of a queue task: the first on worker gpu-1, the second run here.
    seed('remote', 2000, start, 'success');
    seed('remote', 2001, start + 60_000, 'success');
    seed('remote', 2002, start + 120_000, 'skipped'); // ran nowhere
    db.prepare("UPDATE attempts SET worker = 'gpu-1' WHERE task = 'remote' AND run_id LIKE '%-00002000'").run();
  })();
  db.close();
}

beforeAll(async () => {
  home = makeHome({ tasks, settings: { max_concurrent_tasks: 4, http: { port: 0 } } });
  expect(runCli(['run', '--task', 'up'], { home }).code).toBe(0); // makes the history file
  seedHistory(home);
  daemon = await startDaemon(home);
  browser = await openBrowser(daemon.url);
  page = await browser.page();
  await page.goto(`${daemon.url}/#token=${daemon.token}`);
  await page.locator('table.tasks tbody tr[data-task]').first().waitFor({ timeout: SLOW });
}, SLOW * 2);

afterAll(async () => {
  await browser?.close();
  killDaemons();
});

const row = (name: string) => page.locator(`table.tasks tr[data-task="${name}"]`);
const history = (task: string) => JSON.parse(runCli(['history', '--json', '--task', task, '--limit', '5'], { home }).stdout) as { run_id: string; status: string; trigger: string; reason: string | null }[];
const status = () => JSON.parse(runCli(['status', '--json'], { home }).stdout);
const audit = () => JSON.parse(runCli(['audit', '--json', '-n', '1'], { home }).stdout)[0];
const go = async (hash: string) => {
  await page.evaluate((h) => (location.hash = h), hash);
};

describe('logging in', () => {
  it('the #token= link logs in and leaves the address bar; the token stays in the tab', async () => {
    expect(page.url()).toBe(`${daemon.url}/#/tasks`);
    expect(await page.evaluate(() => sessionStorage.getItem('conductor.token'))).toBe(daemon.token);
  });

  it('without a token, asks for it; a wrong one is refused with the reason; the right one opens the tasks', async () => {
    // Chromium logs the refused request (401) on the console: meant here.
    const other = await browser.page(1280, /status of 401/);
    await other.goto(`${daemon.url}/`);
    await other.getByLabel('API token').fill('not-the-token');
    await other.getByRole('button', { name: 'Open the dashboard' }).click();
    await other.getByRole('alert').filter({ hasText: 'wrong token' }).waitFor();
    await other.getByLabel('API token').fill(daemon.token);
    await other.getByRole('button', { name: 'Open the dashboard' }).click();
    await other.locator('table.tasks tr[data-task="quick"]').waitFor();
    await other.close();
  });

  it('a #token= link pasted into a tab already on the login form logs in (only the hash changes)', async () => {
    const other = await browser.page();
    await other.goto(`${daemon.url}/`);
    await other.getByLabel('API token').waitFor();
    await other.goto(`${daemon.url}/#token=${daemon.token}`); // the same page: a hashchange, no load
    await other.locator('table.tasks tr[data-task="quick"]').waitFor();
    expect(other.url()).toBe(`${daemon.url}/#/tasks`);
    expect(await other.evaluate(() => sessionStorage.getItem('conductor.token'))).toBe(daemon.token);
    await other.close();
  });

  it("a link with a wrong token lands on the login form saying the link's token was refused", async () => {
    const other = await browser.page(1280, /status of 401/);
    await other.goto(`${daemon.url}/#token=not-the-token`);
    await other.getByRole('alert').filter({ hasText: /token in the link was refused \(wrong token\)/ }).waitFor();
    expect(other.url()).toBe(`${daemon.url}/#/tasks`);
    expect(await other.evaluate(() => sessionStorage.getItem('conductor.token'))).toBeNull();
    await other.close();
  });
});

describe('the tasks view', () => {
  it('lists every task with its schedule in words and cron, next run, last run, health; filters by name', async () => {
    expect(await page.locator('table.tasks tbody tr[data-task]').count()).toBe(tasks.length);
    await expect.poll(() => row('nightly').innerText()).toMatch(/every day at 03:00\s+0 3 \* \* \*/);
    expect(await row('nightly').innerText()).toMatch(/in \d+ (h|min|s)/);
    // The next run in the task's zone, as the words are, and saying so (the browser is in another).
    expect(await row('nightly').locator('td[data-label="Next run"]').innerText()).toMatch(/in \d+ (h|min|s) \d{4}-\d\d-\d\d 03:00:00 GMT\+9$/);
    expect(await row('up').innerText()).toMatch(/✓ success/);
    expect(await row('off').innerText()).toMatch(/disabled/);
    expect(await row('off').getByRole('button', { name: 'Run off now' }).isDisabled()).toBe(true);
    // A watch task: its folder and files in place of a schedule, and no run to start without a file.
    expect(await row('intake').locator('td[data-label="Schedule"]').innerText()).toMatch(/^each file in\s+in\s+0 waiting · 0 running · 0 done · 0 failed$/);
    expect(await row('intake').getByRole('button', { name: 'Run intake now' }).isDisabled()).toBe(true);
    await page.getByLabel('Filter tasks by name').fill('ui');
    await expect.poll(() => page.locator('table.tasks tbody tr[data-task]').count()).toBe(1);
    expect(await page.locator('table.tasks tbody tr[data-task]').getAttribute('data-task')).toBe('quick');
    await page.getByLabel('Filter tasks by name').fill('');
    await expect.poll(() => page.locator('table.tasks tbody tr[data-task]').count()).toBe(tasks.length);
  });

  it('run now: starts a run (trigger api) that history shows, and the row turns to its result live', async () => {
    await row('quick').getByRole('button', { name: 'Run quick now' }).click();
    await page.locator('.notice .ok').filter({ hasText: /^quick: run \S+ (running|queued)/ }).waitFor();
    const run = await waitFor(() => history('quick').find((r) => r.status === 'success'), 'quick to succeed');
    expect(run.trigger).toBe('api');
    await row('quick').getByText('✓ success').first().waitFor();
  });

  it('follows a run started elsewhere: running, then its end, without a reload', async () => {
    const started = (await (await daemon.call('/api/v1/tasks/gate/run', { method: 'POST' })).json()) as { run_id: string };
    await row('gate').getByText('▶ running').first().waitFor();
    fs.writeFileSync(path.join(home, `release.${started.run_id}`), '');
    await row('gate').getByText('✓ success').first().waitFor();
    expect(history('gate')[0]).toMatchObject({ run_id: started.run_id, status: 'success' });
  });

  it('pause and resume: the row says paused, status --json and the audit log agree', async () => {
    await row('nightly').getByRole('button', { name: 'Pause nightly' }).click();
    await row('nightly').getByText('paused').waitFor();
    expect(status().tasks.find((t: { name: string }) => t.name === 'nightly').paused).toBe(true);
    expect(audit()).toMatchObject({ action: 'pause', task: 'nightly', actor: 'api:default' });
    await row('nightly').getByRole('button', { name: 'Resume nightly' }).click();
    await row('nightly').getByRole('button', { name: 'Pause nightly' }).waitFor();
    expect(status().tasks.find((t: { name: string }) => t.name === 'nightly').paused).toBe(false);
    expect(audit()).toMatchObject({ action: 'resume', task: 'nightly' });
  });
});

describe('the runs view', () => {
  it('pages through history 50 at a time, filters by task and status, draws the 24 h timeline', async () => {
    await go('#/runs?task=archive');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(50);
    const first = await page.locator('table.runs tbody tr').first().getAttribute('data-run');
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => page.locator('table.runs tbody tr').first().getAttribute('data-run')).not.toBe(first);
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(20);
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '⇤ Newest' }).click();
    await expect.poll(() => page.locator('table.runs tbody tr').first().getAttribute('data-run')).toBe(first);
    await page.getByLabel('Filter runs by status').selectOption('failed');
    await expect.poll(() => page.url()).toContain('status=failed');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(12);
    expect(await page.locator('table.runs tbody').innerText()).not.toMatch(/success/);
    // The archive ran two days ago: nothing of it in the last 24 h; quick did run.
    await page.locator('.timeline').getByText('No runs in this span.').waitFor();
    await go('#/runs?task=quick');
    await expect.poll(() => page.locator('.timeline rect.bar').count()).toBeGreaterThan(0);
    // quick's runs took milliseconds: still bars one can see and click, inside the chart.
    const chart = await page.locator('.timeline svg').boundingBox();
    for (const bar of await page.locator('.timeline rect.bar').all()) {
      const box = await bar.boundingBox();
      expect(box && chart && box.width >= 3 && box.x >= chart.x && box.x + box.width <= chart.x + chart.width + 0.5).toBe(true);
    }
  });

  it('names the worker of each attempt once one ran on a worker (spec/scale-out.md), and has no such column otherwise', async () => {
    await go('#/runs?task=remote');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(3);
    await page.locator('table.runs thead').getByText('Worker', { exact: true }).waitFor();
    const workers = await page.locator('table.runs tbody td[data-label="Worker"]').allInnerTexts();
    expect(workers).toEqual(['', 'local', 'gpu-1']); // the skipped fire ran nowhere
    await go('#/runs?task=archive');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(50);
    expect(await page.locator('table.runs thead th').allInnerTexts()).not.toContain('Worker');
  });

  it('a new filter starts at its newest page: no page of it is asked for with the old filter’s cursor', async () => {
    await go('#/runs?task=archive');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('page 2', { exact: true }).waitFor();
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/api/v1/runs?')) asked.push(request.url());
    };
    page.on('request', onRequest);
    await page.getByLabel('Filter runs by status').selectOption('failed');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(12);
    page.off('request', onRequest);
    await page.getByText('page 1', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: '← Newer' }).isDisabled()).toBe(true);
    // The newest failed attempt of the archive is its last seeded one (i = 110), on page 1 of the new filter.
    expect(await page.locator('table.runs tbody tr').first().getAttribute('data-run')).toMatch(/-00000110$/);
    const failedPages = asked.map((url) => new URL(url).searchParams).filter((q) => q.get('status') === 'failed');
    expect(failedPages.length).toBeGreaterThan(0);
    expect(failedPages.filter((q) => q.has('before')).map(String)).toEqual([]);
  });

  it('pages through runs that started in the same millisecond: every run once, none lost at a page’s end', async () => {
    await go('#/runs?task=burst');
    // Newest first: 10 runs, then 60 that started together (40 of them fill the page; the page
    // takes the other 20 too), then 5 older ones on the next page.
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(70);
    const seen = await page.locator('table.runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')));
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('page 2', { exact: true }).waitFor();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(5);
    seen.push(...(await page.locator('table.runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))));
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    expect(new Set(seen).size).toBe(75);
  });

  it("shows a run's attempts and log, follows the log live, and cancels it", async () => {
    const started = (await (await daemon.call('/api/v1/tasks/long/run', { method: 'POST' })).json()) as { run_id: string };
    await go(`#/runs/${started.run_id}`);
    await page.locator('pre.log').getByText('long started').waitFor();
    expect(await page.locator('h2').filter({ hasText: 'following live' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.bar .badge').getByText('cancelled').waitFor();
    expect(history('long')[0]).toMatchObject({ run_id: started.run_id, status: 'cancelled' });
    expect(audit()).toMatchObject({ action: 'cancel', run_id: started.run_id, actor: 'api:default' });
  });

  it('updates the first page live as runs end', async () => {
    await go('#/runs?task=up');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(1);
    await daemon.call('/api/v1/tasks/up/run', { method: 'POST' });
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(2);
  });

  it('the timeline’s bars are no Tab stops (their runs are links in the table), and a click on one opens its run', async () => {
    for (let i = 0; i < 2; i++) {
      const started = (await (await daemon.call('/api/v1/tasks/quick/run', { method: 'POST' })).json()) as { run_id: string };
      await waitFor(() => history('quick').some((r) => r.run_id === started.run_id && r.status === 'success'), 'a run of quick');
    }
    await go('#/runs?task=quick');
    const bars = page.locator('.timeline a');
    await expect.poll(() => bars.count()).toBeGreaterThan(1);
    await page.locator('table.runs tbody tr').first().waitFor();
    await page.getByLabel('Filter runs by trigger').focus();
    const stops: string[] = [];
    while (stops.length < 12 && stops.at(-1) !== 'table') {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => {
        const at = document.activeElement;
        return at.closest('table.runs') ? 'table' : at.closest('.timeline a') ? 'bar' : `${at.tagName.toLowerCase()} ${at.tagName === 'BUTTON' ? at.textContent.trim() : ''}`.trim();
      }));
    }
    expect(stops).toEqual(['summary', 'button 1 h', 'button 6 h', 'button 24 h', 'table']);
    // Runs milliseconds apart share a pixel of the day: the last drawn is the one on top.
    const href = await bars.last().getAttribute('href');
    expect(href).toMatch(/^#\/runs\/./);
    await bars.last().click({ timeout: 10_000 });
    await expect.poll(() => page.url()).toContain(href);
  });
});

describe('the approvals view', () => {
  it('shows a run as soon as it awaits approval; approve (with a comment) starts it', async () => {
    await go('#/approvals');
    await page.getByText('No run is awaiting approval.').waitFor();
    const started = (await (await daemon.call('/api/v1/tasks/checked/run', { method: 'POST' })).json()) as { run_id: string };
    const card = page.locator(`li.card[data-run="${started.run_id}"]`);
    await card.getByText('look at the analysis first').waitFor();
    await expect.poll(() => page.locator('nav').innerText()).toMatch(/Approvals\s*1/);
    await card.getByLabel('Comment (optional)').fill('analysis read');
    await card.getByRole('button', { name: /^Approve/ }).click();
    await waitFor(() => history('checked').find((r) => r.run_id === started.run_id && r.status === 'success'), 'the approved run to succeed');
    expect(audit()).toMatchObject({ action: 'approve', run_id: started.run_id, detail: 'analysis read' });
    await page.getByText('No run is awaiting approval.').waitFor();
  });

  it('reject ends the run skipped with who and why', async () => {
    const started = (await (await daemon.call('/api/v1/tasks/checked/run', { method: 'POST' })).json()) as { run_id: string };
    const card = page.locator(`li.card[data-run="${started.run_id}"]`);
    await card.getByLabel('Comment (optional)').fill('not today');
    await card.getByRole('button', { name: /^Reject/ }).click();
    await card.waitFor({ state: 'detached' });
    expect(history('checked')[0]).toMatchObject({ run_id: started.run_id, status: 'skipped', reason: 'rejected by api:default: not today' });
  });
});

describe('the DAG view', () => {
  it('draws every task, the edge from dependency to dependent, nodes coloured by last status; search finds a task', async () => {
    await go('#/dag');
    await expect.poll(() => page.locator('.dag a.node').count()).toBe(tasks.length);
    expect(await page.locator('.dag path.edge').count()).toBe(1);
    expect(await page.locator('.dag a.node[data-task="up"]').getAttribute('class')).toMatch(/s-success/);
    expect(await page.locator('.dag a.node[data-task="long"]').getAttribute('class')).toMatch(/s-cancelled/);
    expect(await page.locator('.dag a.node[data-task="up"]').getAttribute('aria-label')).toBe('up: last run success');
    await page.getByLabel('Find a task in the graph').fill('dow');
    await page.getByText('1 found').waitFor();
    expect(await page.locator('.dag a.node.hit').getAttribute('data-task')).toBe('down');
    await page.locator('.dag a.node[data-task="down"]').click();
    await expect.poll(() => page.url()).toContain('#/runs?task=down');
  });
});

describe('a phone and a keyboard', () => {
  it('at 375 px the tasks read as cards with no sideways scroll, run now works, the timeline opens at now, the DAG fits', async () => {
    const phone = await browser.page(375);
    await phone.goto(`${daemon.url}/#token=${daemon.token}`);
    await phone.locator('table.tasks tr[data-task="quick"]').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const button = phone.getByRole('button', { name: 'Run quick now' });
    expect(await button.isVisible()).toBe(true);
    const before = history('quick').length;
    await button.click();
    await waitFor(() => history('quick').length > before && history('quick')[0]?.status === 'success', 'the run from the phone');
    await phone.screenshot({ path: path.join(home, 'phone.png') });
    // The timeline scrolls sideways there, opened at now: quick's latest run and its lane's name are in view.
    await phone.evaluate(() => (location.hash = '#/runs?task=quick'));
    const latest = phone.locator('.timeline rect.bar').first(); // newest first
    await latest.waitFor();
    await expect.poll(async () => ((await latest.boundingBox())?.x ?? -1) > 0 && ((await latest.boundingBox())?.x ?? 999) < 375).toBe(true);
    const name = await phone.locator('.timeline text.lane', { hasText: 'quick' }).boundingBox(); // the lane's name stays in view
    expect(name && name.x >= 0 && name.x + name.width < 375).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // The DAG opens laid out for the narrow box: every task in view without panning.
    await phone.evaluate(() => (location.hash = '#/dag'));
    await expect.poll(() => phone.locator('.dag a.node').count()).toBe(tasks.length);
    for (const node of await phone.locator('.dag a.node').all()) {
      const box = await node.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 375, `${await node.getAttribute('data-task')} in view`).toBe(true);
    }
    await phone.close();
  });

  it('Tab reaches the views and the actions, and Enter runs a task', async () => {
    const keys = await browser.page();
    await keys.goto(`${daemon.url}/#token=${daemon.token}`);
    await keys.locator('table.tasks tr[data-task="quick"]').waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 20 && !seen.includes('Run quick now'); i++) {
      await keys.keyboard.press('Tab');
      seen.push(await keys.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(seen).toEqual(expect.arrayContaining(['Tasks', 'DAG', 'Runs', 'Approvals', 'Filter tasks by name', 'Run quick now']));
    const before = history('quick').length;
    await keys.keyboard.press('Enter');
    await waitFor(() => history('quick').length > before, 'the run from the keyboard');
    await keys.close();
  });
});

describe('the keyboard stays where it was', () => {
  it('after Pause, Resume and Run now the focus is still on the action (Pause turned Resume, and back)', async () => {
    await go('#/tasks');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
    await row('nightly').getByRole('button', { name: 'Pause nightly' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.notice .ok').filter({ hasText: 'nightly paused' }).waitFor();
    await row('nightly').getByRole('button', { name: 'Resume nightly' }).waitFor();
    expect(await focused()).toBe('Resume nightly');
    await page.keyboard.press('Enter');
    await page.locator('.notice .ok').filter({ hasText: 'nightly resumed' }).waitFor();
    await row('nightly').getByRole('button', { name: 'Pause nightly' }).waitFor();
    expect(await focused()).toBe('Pause nightly');
    await row('quick').getByRole('button', { name: 'Run quick now' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.notice .ok').filter({ hasText: /^quick: run / }).waitFor();
    expect(await focused()).toBe('Run quick now');
    await waitFor(() => history('quick')[0]?.status === 'success', 'the run of quick');
  });
});

describe('all along', () => {
  it('no console error, no failed request, no request leaving the daemon', () => {
    expect(browser.problems).toEqual([]);
    expect(rows(home).length).toBeGreaterThan(120);
  });
});
