#!/usr/bin/env node
// What module loading costs: for each module, a fresh Node imports it alone; prints the median
// import time (ms) over --runs runs, measured inside the process (performance.now around import()).
// Usage: node bench/tools/import-cost.mjs [--runs N] [specifier ...]
//   (default: the CLI's dependencies and the dist/ modules `status`, `history`, `start` load)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO, median } from '../lib.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '7' } } });
const dist = (p) => pathToFileURL(path.join(REPO, 'dist', p)).href;
const specifiers =
  positionals.length > 0
    ? positionals
    : ['yargs', 'yargs/helpers', 'better-sqlite3', 'croner', 'ajv', 'pino', 'execa',
       dist('cli/commands/index.js'), dist('cli/commands/maintenance/index.js'), dist('app/status.js'),
       dist('app/loadConfig.js'), dist('adapters/sqlite/sqliteRunStore.js'), dist('app/daemon.js'), dist('app/runForeground.js')];
for (const spec of specifiers) {
  const times = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(spec)}); process.stdout.write(String(performance.now() - t));`], { cwd: REPO, encoding: 'utf8' });
    times.push(Number(out));
  }
  console.log(`${median(times).toFixed(1).padStart(7)} ms  ${spec.replace(pathToFileURL(REPO).href + '/', '')}`);
}
