#!/usr/bin/env node
// Which file watcher to use on Linux (the README's Watched folders): fs.watch (inotify on the
// folder, what the conductor uses) against chokidar 4 and @parcel/watcher 2, each in its own
// process watching a fresh folder while this one writes files into it: a burst of 1,000, a burst
// of 10,000, and 200 files at 50/s. Per case: files noticed, latency from the write to the
// watcher hearing of it (p50, p99), the watcher's CPU time and RSS.
// chokidar and @parcel/watcher are not dependencies of the conductor: install them somewhere
// (`npm install --prefix /tmp/watchers chokidar@4 @parcel/watcher`) and pass
// --modules /tmp/watchers/node_modules. Usage: node bench/tools/watcher-compare.mjs --modules DIR [--rounds N]
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { modules: { type: 'string' }, rounds: { type: 'string', default: '3' }, child: { type: 'string' }, dir: { type: 'string' } } });
const now = () => performance.timeOrigin + performance.now();

if (values.child) {
  const seen = new Map();
  const record = (name) => seen.has(name) || seen.set(name, now());
  const dir = values.dir;
  const req = values.modules ? createRequire(path.join(values.modules, 'x.js')) : null;
  if (values.child === 'fs.watch') fs.watch(dir, (_t, name) => name && record(name));
  else if (values.child === 'chokidar') {
    const w = req('chokidar').watch(dir, { ignoreInitial: true, depth: 0 });
    w.on('add', (p) => record(path.basename(p)));
    await new Promise((resolve) => w.on('ready', resolve));
  } else if (values.child === '@parcel/watcher') {
    await req('@parcel/watcher').subscribe(dir, (_e, events) => events.forEach((e) => e.type === 'create' && record(path.basename(e.path))));
  }
  const cpu0 = process.cpuUsage();
  process.send({ ready: true });
  process.on('message', () => {
    const cpu = process.cpuUsage(cpu0);
    process.send({ seen: [...seen], cpu_ms: (cpu.user + cpu.system) / 1000, rss_mb: process.memoryUsage().rss / 2 ** 20 });
  });
} else {
  if (!values.modules) {
    console.error('watcher-compare: --modules DIR (a node_modules holding chokidar and @parcel/watcher) is needed');
    process.exit(1);
  }
  const pct = (list, p) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
  };
  const one = async (kind, n, rate) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watcher-compare-'));
    const child = fork(fileURLToPath(import.meta.url), ['--child', kind, '--dir', dir, '--modules', values.modules]);
    await new Promise((resolve) => child.on('message', (m) => m.ready && resolve()));
    const written = new Map();
    const t0 = now();
    for (let i = 0; i < n; i++) {
      if (rate) while (now() < t0 + (i * 1000) / rate) await new Promise((resolve) => setTimeout(resolve, 1));
      written.set(`f-${i}.json`, now());
      fs.writeFileSync(path.join(dir, `f-${i}.json`), '{"a":1}');
    }
    let report;
    for (let k = 0; k < 200; k++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      child.send('report');
      report = await new Promise((resolve) => child.once('message', resolve));
      if (report.seen.length >= n) break;
    }
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    const seen = new Map(report.seen);
    const lat = [...written].filter(([k]) => seen.has(k)).map(([k, t]) => seen.get(k) - t);
    return { watcher: kind, files: n, rate: rate ? `${rate}/s` : 'burst', noticed: seen.size, p50_ms: +pct(lat, 50).toFixed(2), p99_ms: +pct(lat, 99).toFixed(2), cpu_ms: Math.round(report.cpu_ms), rss_mb: Math.round(report.rss_mb) };
  };
  const rows = [];
  for (const [n, rate] of [[1000, null], [10000, null], [200, 50]]) {
    for (let r = 0; r < Number(values.rounds); r++) for (const kind of ['fs.watch', 'chokidar', '@parcel/watcher']) rows.push(await one(kind, n, rate));
  }
  console.table(rows);
}
