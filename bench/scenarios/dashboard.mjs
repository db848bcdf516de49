// The dashboard's first render: navigation start to the tasks table painted (the page's own
// performance mark, set after the frame that shows the rows), in headless Chromium from Debian
// driven by playwright-core, the browser's cache emptied before each load, on a home of 1000
// tasks and 1M history rows; against a floor page (bench/yardstick/dashboard-floor.html) that
// fetches the same status bytes from bare node:http and writes the rows with innerHTML. Also the
// bytes the page loads before that paint (compressed, as sent).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { alternate, buildHistoryHome, makeCase, makeTempDir, removeDir, startDaemon, startProcess, BENCH_DIR, DIST, NODE } from '../lib.mjs';

export const description = 'dashboard first render (navigation start to the tasks table painted) at 1000 tasks / 1M rows, in Chromium, vs a bare innerHTML page';

export const sizes = {
  full: { tasks: 1000, rows: 1_000_000, rounds: 5 },
  tiny: { tasks: 10, rows: 1000, rounds: 1 },
};

const CHROMIUM = process.env.CONDUCTOR_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** One cold load of `url`: ms from navigation start to the mark, and the bytes received until then. */
async function firstRender(page, cdp, url) {
  await cdp.send('Network.clearBrowserCache');
  let bytes = 0;
  const onData = (event) => (bytes += event.encodedDataLength);
  cdp.on('Network.dataReceived', onData);
  await page.goto('about:blank');
  await page.goto(url);
  const ms = await page.waitForFunction(() => performance.getEntriesByName('conductor:tasks-painted')[0]?.startTime, null, { timeout: 60_000 });
  cdp.off('Network.dataReceived', onData);
  return { ms: await ms.jsonValue(), bytes };
}

export async function run(params, { log }) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CONDUCTOR_CHROMIUM)`);
  const { chromium } = await import('playwright-core');
  const home = makeTempDir('dashboard');
  let daemon = null;
  let floor = null;
  let browser = null;
  const profile = makeTempDir('chromium-profile');
  try {
    const built = Date.now();
    const { tasks } = await buildHistoryHome(home, { tasks: params.tasks, rows: params.rows });
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), JSON.stringify({ tasks, settings: { max_concurrent_tasks: 3, timezone: 'UTC', http: { port: 0 } } }));
    log(` home built in ${Date.now() - built} ms`);
    daemon = await startDaemon(home);
    const origin = fs.readFileSync(path.join(home, 'status', 'http.url'), 'utf8').trim();
    const token = fs.readFileSync(path.join(home, 'status', 'api.token'), 'utf8').trim();
    const status = await fetch(`${origin}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    if (status.status !== 200) throw new Error(`GET /api/v1/status answered ${status.status}`);
    fs.writeFileSync(path.join(home, 'status.json'), Buffer.from(await status.arrayBuffer()));
    const specFile = path.join(home, 'floor.json');
    const portFile = path.join(home, 'floor.port');
    fs.writeFileSync(specFile, JSON.stringify({ port_file: portFile, bodies: { '/': path.join(BENCH_DIR, 'yardstick', 'dashboard-floor.html'), '/status.json': path.join(home, 'status.json') } }));
    floor = await startProcess(NODE, [path.join(BENCH_DIR, 'yardstick', 'minimal-http.mjs'), specFile], {
      outFile: path.join(home, 'floor.out'),
      ready: () => fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8') !== '',
    });
    const floorUrl = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}/`;

    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Network.enable');
    // Logged in as the #token= link does (sessionStorage of the daemon's origin).
    await page.goto(`${origin}/#token=${token}`);
    await page.waitForSelector('table.tasks tbody tr[data-task]', { timeout: 60_000 });
    const ours = [];
    const theirs = [];
    const bytes = [];
    const floorBytes = [];
    const side = (url, into, received) => async () => {
      const { ms, bytes: got } = await firstRender(page, cdp, url);
      into.push(ms);
      received.push(got);
      return ms;
    };
    await firstRender(page, cdp, `${origin}/#/tasks`); // warm-up: the daemon's first status answer after start
    await alternate(params.rounds, { dashboard: side(`${origin}/#/tasks`, ours, bytes), floor: side(floorUrl, theirs, floorBytes) }, { log: (l) => log(`${l} (ms to the tasks table painted)`) });
    // The page says it has every task (it draws only the rows near the window).
    await page.goto(`${origin}/#/tasks`);
    await page.waitForSelector('table.tasks tbody tr[data-task]');
    const count = await page.locator('#tasks-title .count').innerText();
    if (count !== String(params.tasks)) throw new Error(`the tasks view counts ${count} tasks, not ${params.tasks}`);
    const assets = fs.readdirSync(path.join(DIST, 'web'), { recursive: true }).map(String).filter((f) => f.endsWith('.br'));
    const total = assets.reduce((sum, f) => sum + fs.statSync(path.join(DIST, 'web', f)).size, 0);
    const floorPage = zlib.brotliCompressSync(fs.readFileSync(path.join(BENCH_DIR, 'yardstick', 'dashboard-floor.html'))).length;
    return {
      cases: [
        makeCase({
          name: `first render, ${params.tasks} tasks / ${params.rows} rows`,
          unit: 'ms',
          samples: ours,
          yardstick: { name: 'bare page: same status bytes, innerHTML rows', samples: theirs },
          target: { text: 'median under 500 ms', stat: 'median', op: '<=', limit: 500 },
        }),
        makeCase({ name: 'bytes received until that paint (compressed)', unit: 'bytes', samples: bytes, yardstick: { name: 'bare page: its HTML and the same status', samples: floorBytes } }),
        makeCase({ name: 'all dashboard assets, brotli', unit: 'bytes', samples: [total], yardstick: { name: 'bare page: its one HTML file, brotli', samples: [floorPage] }, target: { text: 'under 300 KB', stat: 'median', op: '<=', limit: 300 * 1024 } }),
      ],
      notes: [
        `home: ${params.tasks} realistic tasks and ${params.rows} history rows (bulk-inserted); the daemon as \`start\` runs it`,
        'each load: the browser cache emptied (CDP Network.clearBrowserCache), about:blank, then the page; logged in through sessionStorage',
        'time: performance mark conductor:tasks-painted, from navigation start: set by the page in an effect (Preact runs effects after the next frame: requestAnimationFrame, then a timeout), by the floor page in a timeout after the next animation frame',
        `Chromium: ${CHROMIUM}, headless, a new empty profile; playwright-core drives it`,
      ],
    };
  } finally {
    await browser?.close().catch(() => {});
    await floor?.stop().catch(() => {});
    await daemon?.stop().catch(() => {});
    removeDir(home);
    removeDir(profile);
  }
}
