// The daemon's API under load: GET /api/v1/status and GET /api/v1/runs on a home of 1000 tasks
// and 1M history rows, closed-loop clients on keep-alive connections (latency of every request,
// requests per second), against a bare node:http server answering the same bytes (the floor of
// HTTP on Node here). And the scheduler's firing lateness (a `* * * * * *` task whose child
// records its own start) while that load runs, against the same daemon idle, window by window.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  alternate,
  buildHistoryHome,
  makeCase,
  makeTempDir,
  removeDir,
  sleep,
  startDaemon,
  startProcess,
  stats,
  BENCH_DIR,
  NODE,
  writeConfig,
} from '../lib.mjs';

export const description = 'API p99 and req/s (status, runs) at 1000 tasks / 1M rows vs bare node:http; firing lateness under that load vs idle';

export const sizes = {
  full: { tasks: 1000, rows: 1_000_000, rounds: 3, load_seconds: 5, lateness_seconds: 10, concurrency: 4, warmup_requests: 200 },
  tiny: { tasks: 10, rows: 1000, rounds: 1, load_seconds: 1, lateness_seconds: 2.5, concurrency: 2, warmup_requests: 5 },
};

const ROUTES = { status: '/api/v1/status', runs: '/api/v1/runs' };
const FIRE_COMMAND = 'date +%s%N >> "$CONDUCTOR_HOME/fires"';

/** Closed-loop load: `concurrency` clients, each sending the next request when its answer is read. */
async function load({ port, token, paths, concurrency, seconds }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  let failures = 0;
  const one = (route) =>
    new Promise((resolve) => {
      const started = performance.now();
      const request = http.get({ host: '127.0.0.1', port, path: route, agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
        response.on('data', () => {});
        response.on('end', () => {
          if (response.statusCode === 200) latencies.push(performance.now() - started);
          else failures++;
          resolve();
        });
      });
      request.on('error', () => {
        failures++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = client; performance.now() < until; i++) await one(paths[i % paths.length]);
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  if (failures > 0) throw new Error(`${failures} requests failed under load`);
  return { latencies, rps: latencies.length / elapsed };
}

/** Lateness (ms) of the fires recorded in <home>/fires for whole seconds in [fromMs, toMs]. */
function fires(home, fromMs, toMs) {
  const file = path.join(home, 'fires');
  const out = [];
  for (const line of fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []) {
    if (!/^\d+$/.test(line)) continue;
    const ns = BigInt(line);
    const second = Number(ns / 1_000_000_000n) * 1000;
    if (second >= fromMs && second <= toMs) out.push(Number(ns % 1_000_000_000n) / 1e6);
  }
  return out;
}

export async function run(params, { log }) {
  const home = makeTempDir('http');
  let daemon = null;
  let floor = null;
  try {
    const built = Date.now();
    const { tasks } = await buildHistoryHome(home, { tasks: params.tasks, rows: params.rows });
    writeConfig(home, {
      tasks: [...tasks, { name: 'fire_probe', command: FIRE_COMMAND, schedule: '* * * * * *' }],
      settings: { max_concurrent_tasks: 3, timezone: 'UTC', http: { port: 0 } },
    });
    log(` home built in ${Date.now() - built} ms`);
    daemon = await startDaemon(home);
    const url = new URL(fs.readFileSync(path.join(home, 'status', 'http.url'), 'utf8').trim());
    const token = fs.readFileSync(path.join(home, 'status', 'api.token'), 'utf8').trim();
    const conductor = { port: Number(url.port), token };
    // The yardstick answers the conductor's own bytes for each route.
    const bodies = {};
    for (const [name, route] of Object.entries(ROUTES)) {
      const response = await fetch(`${url.origin}${route}`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
      bodies[route] = path.join(home, `${name}.json`);
      fs.writeFileSync(bodies[route], Buffer.from(await response.arrayBuffer()));
    }
    const specFile = path.join(home, 'minimal-http.json');
    const portFile = path.join(home, 'minimal-http.port');
    fs.writeFileSync(specFile, JSON.stringify({ port_file: portFile, bodies }));
    floor = await startProcess(NODE, [path.join(BENCH_DIR, 'yardstick', 'minimal-http.mjs'), specFile], {
      outFile: path.join(home, 'minimal-http.out'),
      ready: () => fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8') !== '',
    });
    const bare = { port: Number(fs.readFileSync(portFile, 'utf8')), token: null };
    for (const side of [conductor, bare]) await load({ ...side, paths: Object.values(ROUTES), concurrency: 1, seconds: 0.001 + params.warmup_requests / 1000 });

    const cases = [];
    for (const [name, route] of Object.entries(ROUTES)) {
      const ours = { latencies: [], rps: [] };
      const theirs = { latencies: [], rps: [] };
      const side = (target, into) => async () => {
        const result = await load({ ...target, paths: [route], concurrency: params.concurrency, seconds: params.load_seconds });
        for (const latency of result.latencies) into.latencies.push(latency); // (a spread of ~10^5 would overflow the stack)
        into.rps.push(result.rps);
        return result.rps;
      };
      await alternate(params.rounds, { conductor: side(conductor, ours), bare: side(bare, theirs) }, { log: (l) => log(`${l} (req/s, ${route})`) });
      cases.push(
        makeCase({
          name: `GET ${route}: latency, ${params.concurrency} clients`,
          unit: 'ms',
          samples: ours.latencies,
          yardstick: { name: 'bare node:http, same bytes', samples: theirs.latencies },
          target: { text: 'p99 under 20 ms', stat: 'p99', op: '<=', limit: 20 },
          extra: { bytes: fs.statSync(bodies[route]).size },
        }),
        makeCase({ name: `GET ${route}: requests per second`, unit: 'req/s', samples: ours.rps, yardstick: { name: 'bare node:http, same bytes', samples: theirs.rps } }),
      );
    }

    const idle = [];
    const busy = [];
    const window = (into, loaded) => async () => {
      const from = Date.now();
      if (loaded) await load({ ...conductor, paths: Object.values(ROUTES), concurrency: params.concurrency, seconds: params.lateness_seconds });
      else await sleep(params.lateness_seconds * 1000);
      const to = Date.now();
      await sleep(300); // the last fire's child writes its line
      const found = fires(home, Math.ceil(from / 1000) * 1000, Math.floor(to / 1000) * 1000 - 1000);
      into.push(...found);
      return stats(found).p99 ?? Number.NaN;
    };
    await alternate(params.rounds, { idle: window(idle, false), loaded: window(busy, true) }, { log: (l) => log(`${l} (lateness p99 ms)`) });
    cases.push(
      makeCase({
        name: 'firing lateness under that load',
        unit: 'ms',
        samples: busy,
        yardstick: { name: 'the same daemon idle', samples: idle },
        target: { text: 'p99 at most 2x idle', stat: 'ratio_p99', op: '<=', limit: 2 },
      }),
    );
    return {
      cases,
      notes: [
        `home: ${params.tasks} realistic tasks and ${params.rows} history rows (bulk-inserted), plus fire_probe on * * * * * * (its child appends date +%s%N)`,
        `load: ${params.concurrency} closed-loop clients on keep-alive connections (node:http in the bench process), ${params.load_seconds} s per side and round; latency is request sent to answer read`,
        'yardstick: bench/yardstick/minimal-http.mjs, node:http answering the conductor\'s own bytes for the route (no framework, no auth, no work)',
        `lateness: windows of ${params.lateness_seconds} s, idle and under load (both routes, alternating), fires of whole seconds inside each window; ratio_p99 = p99 under load / p99 idle`,
      ],
    };
  } finally {
    await floor?.stop().catch(() => {});
    await daemon?.stop().catch(() => {});
    removeDir(home);
  }
}
