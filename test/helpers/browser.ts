// Headless Chromium from Debian (/usr/bin/chromium), driven by playwright-core, for the
// dashboard's tests: a new empty profile each time, never a downloaded browser. Every page
// opened through it is watched: console errors, page errors, failed requests, and any request
// to another origin than the daemon's are collected as problems.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CONDUCTOR_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  /** A new page watched for problems; `width` x 800 viewport; `expected`: console errors it is meant to cause. */
  page(width?: number, expected?: RegExp): Promise<Page>;
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(origin: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  const watch = (page: Page, expected?: RegExp) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && !expected?.test(message.text())) problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && url !== 'about:blank' && !url.startsWith('data:')) problems.push(`request outside the daemon: ${url}`);
    });
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? '';
      // Leaving a page aborts its open streams (the event stream, a followed log): not a problem.
      if (failure !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${failure}`);
    });
  };
  for (const page of context.pages()) watch(page);
  return {
    context,
    problems,
    async page(width = 1280, expected?: RegExp) {
      const page = await context.newPage();
      watch(page, expected);
      await page.setViewportSize({ width, height: 800 });
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
