#!/usr/bin/env node
// Summarises V8 .cpuprofile files (node --cpu-prof): where the time goes, by self time per
// function, per module/package, per category (module loading, SQLite, spawn, logging, GC...),
// and the inclusive time of the conductor's own functions (dist/).
// Usage: node bench/tools/cpuprofile-summary.mjs FILE.cpuprofile|DIR [...] [--top N] [--json] [--merge]
// --merge: one summary over all the profiles (times are the mean per profile).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, json: { type: 'boolean', default: false }, merge: { type: 'boolean', default: false } },
});
const TOP = Number(values.top);

function shortUrl(url) {
  if (!url) return '';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) return clean.slice(nm + '/node_modules/'.length);
  const dist = clean.indexOf('/dist/');
  if (dist >= 0) return clean.slice(dist + 1);
  return clean;
}

function moduleOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const s = shortUrl(url);
  if (s.startsWith('node:')) return s.replace(/^node:internal\/(\w+).*/, 'node:internal/$1');
  if (url.includes('/node_modules/')) {
    const parts = s.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return s;
}

/** The bucket a frame's self time goes to. */
function categoryOf(url, fn) {
  const m = moduleOf(url, fn);
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle (event loop waiting)';
  if (fn === '(program)') return 'program (native, unattributed: V8 compile/parse, start-up)';
  if (m.startsWith('node:internal/modules') || fn === 'compileFunction' || fn === 'compileSourceTextModule' || fn === 'wrapSafe') return 'module loading (resolve, read, compile)';
  if (m === 'better-sqlite3' || /^(prepare|run|get|all|exec|pragma|transaction|Database)$/.test(fn) && !url) return 'SQLite (better-sqlite3)';
  if (m === 'execa' || m.startsWith('node:internal/child_process') || fn === 'spawn' || fn === 'kill') return 'spawn (execa, child_process)';
  if (m === 'pino' || m === 'sonic-boom' || m.startsWith('pino-') || m === 'thread-stream') return 'logging (pino)';
  if (m === 'yargs' || m === 'yargs-parser' || m === 'y18n' || m === 'cliui' || m === 'string-width' || m === 'wrap-ansi') return 'CLI parsing (yargs)';
  if (m === 'ajv' || m === 'fast-deep-equal' || m === 'fast-uri' || m === 'json-schema-traverse') return 'config schema (ajv)';
  if (m === 'croner') return 'cron (croner)';
  if (m.startsWith('node:internal/fs') || m === 'node:fs' || /^(openSync|writeSync|closeSync|fsyncSync|renameSync|statSync|readFileSync|writeFileSync|mkdirSync|existsSync|rmSync|lstat|open|read|close)$/.test(fn)) return 'file system';
  if (m.startsWith('dist/')) return `conductor: ${m.split('/').slice(0, 2).join('/')}`;
  if (m.startsWith('node:')) return 'node internals (other)';
  if (m === '(native)') return 'native (other)';
  return `package: ${m}`;
}

function emptyAcc(label) {
  return { label, files: 0, wallUs: 0, totalUs: 0, byFunction: new Map(), byModule: new Map(), byCategory: new Map(), inclusive: new Map() };
}

/** Adds one profile's samples to `acc` (several profiles of the same command average out). */
function accumulate(file, acc) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0)));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  acc.files++;
  acc.wallUs += profile.endTime - profile.startTime;
  for (const [id, us] of self) {
    acc.totalUs += us;
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const fn = functionName || '(anonymous)';
    add(acc.byFunction, `${fn}  ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`, us);
    add(acc.byModule, moduleOf(url, fn), us);
    add(acc.byCategory, categoryOf(url, fn), us);
    // inclusive time of conductor (dist/) functions: a sample counts once per function on its stack
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = nodes.get(cur).callFrame;
      if (!frame.url.includes('/dist/')) continue;
      const key = `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(acc.inclusive, key, us);
    }
  }
}

function report(acc) {
  const per = acc.files || 1;
  const top = (map, n = TOP) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => ({ key, ms: Math.round(us / per / 100) / 10, pct: Math.round((1000 * us) / acc.totalUs) / 10 }));
  return {
    file: acc.label,
    profiles: acc.files,
    wall_ms: Math.round(acc.wallUs / per / 100) / 10,
    sampled_ms: Math.round(acc.totalUs / per / 100) / 10,
    categories: top(acc.byCategory, 40),
    modules: top(acc.byModule),
    functions: top(acc.byFunction),
    conductor_inclusive: top(acc.inclusive),
  };
}

const files = positionals.flatMap((p) =>
  fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(p, f))
    : [p],
);
let summaries;
if (values.merge) {
  const acc = emptyAcc(`${files.length} profiles (mean per profile)`);
  for (const f of files) accumulate(f, acc);
  summaries = [report(acc)];
} else {
  summaries = files.map((f) => {
    const acc = emptyAcc(f);
    accumulate(f, acc);
    return report(acc);
  });
}


if (values.json) {
  process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
} else {
  for (const s of summaries) {
    const table = (title, rows) => {
      console.log(`  ${title}`);
      for (const r of rows) console.log(`    ${String(r.ms).padStart(9)} ms ${String(r.pct).padStart(5)}%  ${r.key}`);
    };
    console.log(`${s.file}: ${s.wall_ms} ms profiled (${s.sampled_ms} ms in samples)${s.profiles > 1 ? ', mean per profile' : ''}`);
    table('self time by category', s.categories);
    table('self time by module', s.modules.slice(0, 15));
    table('self time by function', s.functions);
    table('inclusive time, conductor functions (dist/)', s.conductor_inclusive.slice(0, 15));
    console.log('');
  }
}
