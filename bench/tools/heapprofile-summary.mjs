#!/usr/bin/env node
// Summarises V8 .heapprofile files (node --heap-prof): sampled allocations still live when the
// profile was written, by allocating function and by module/package.
// Usage: node bench/tools/heapprofile-summary.mjs FILE.heapprofile [...] [--top N]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const TOP = Number(values.top);

const short = (url) => {
  if (!url) return '';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) return clean.slice(nm + 14);
  const dist = clean.indexOf('/dist/');
  return dist >= 0 ? clean.slice(dist + 1) : clean;
};
const moduleOf = (url) => {
  const s = short(url);
  if (!s) return '(native/V8)';
  if (s.startsWith('node:')) return s.replace(/^node:internal\/(\w+).*/, 'node:internal/$1');
  if (url.includes('/node_modules/')) return s.split('/')[0].startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0];
  return s;
};

for (const file of positionals.flatMap((p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).filter((f) => f.endsWith('.heapprofile')).map((f) => path.join(p, f)) : [p]))) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byFn = new Map();
  const byModule = new Map();
  const inclusiveDist = new Map();
  let total = 0;
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  const walk = (node, stack) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'}  ${short(url)}${url ? `:${lineNumber + 1}` : ''}`;
    const here = url.includes('/dist/') ? [...stack, key] : stack;
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byFn, key, node.selfSize);
      add(byModule, moduleOf(url), node.selfSize);
      for (const k of new Set(here)) add(inclusiveDist, k, node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(profile.head, []);
  const show = (title, map, n = TOP) => {
    console.log(`  ${title}`);
    for (const [k, v] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`    ${(v / 2 ** 20).toFixed(2).padStart(8)} MB ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  console.log(`${file}: ${(total / 2 ** 20).toFixed(2)} MB live (sampled)`);
  show('by module', byModule, 15);
  show('by allocating function', byFn);
  show('inclusive, conductor functions (dist/)', inclusiveDist, 15);
  console.log('');
}
