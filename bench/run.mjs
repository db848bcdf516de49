#!/usr/bin/env node
// The benchmark suite: `npm run bench` (every scenario) or `npm run bench -- NAME [NAME...]`.
// Options: --size full|tiny (default full; tiny is what `npm test` runs so the suite cannot
// rot), --results DIR (default bench/results/), --set key=value (override a parameter of the
// chosen size, e.g. --set rounds=3), --tmp DIR (where temp homes go; default the system's),
// --quiet (no progress lines on stderr), --list.
// Each scenario prints a short table and writes one JSON result: the machine, the parameters,
// every sample, the median, and the ratio to its yardstick measured in the same run.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import { formatIssue17 } from './issue17.mjs';
import { CLI, NODE, formatTable, machineInfo, requireBuild, resultsDirDefault, snapshotBuild, timeOk, writeResult } from './lib.mjs';

const SCENARIOS = ['dag', 'lateness', 'startup', 'memory', 'validate', 'history', 'queue', 'http', 'watch', 'simulate', 'dashboard'];

const USAGE = `usage: npm run bench [-- [NAME...] [--size full|tiny] [--tiny] [--set key=value] [--results DIR] [--tmp DIR] [--quiet] [--list]]
scenarios: ${SCENARIOS.join(', ')} (all when none is named; --list describes them)`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string', default: 'full' },
      tiny: { type: 'boolean', default: false },
      results: { type: 'string' },
      tmp: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  console.error(`bench: ${error.message.split('. ')[0]}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

async function load(name) {
  return import(`./scenarios/${name}.mjs`);
}

if (values.list) {
  for (const name of SCENARIOS) console.log(`${name.padEnd(9)} ${(await load(name)).description}`);
  process.exit(0);
}

const size = values.tiny ? 'tiny' : values.size;
const chosen = positionals.length > 0 ? positionals : SCENARIOS;
for (const name of chosen) {
  if (!SCENARIOS.includes(name)) {
    console.error(`bench: unknown scenario ${name}; one of ${SCENARIOS.join(', ')}`);
    process.exit(1);
  }
}
const overrides = {};
for (const pair of values.set) {
  const [key, ...rest] = pair.split('=');
  const raw = rest.join('=');
  overrides[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw.includes(',') ? raw.split(',').map((v) => (/^\d+$/.test(v) ? Number(v) : v)) : raw;
}
requireBuild();
if (values.tmp) process.env.CONDUCTOR_BENCH_TMP = values.tmp;
// The build under test is a private copy: others may rebuild dist/ while a long run goes on.
const buildGit = machineInfo();
const build = snapshotBuild(process.env.CONDUCTOR_BENCH_TMP || os.tmpdir());
process.on('exit', () => fs.rmSync(build.dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
await timeOk(NODE, [CLI, '--version']);
const resultsDir = values.results ?? resultsDirDefault();
const log = values.quiet ? () => {} : (line) => process.stderr.write(`${line}\n`);

let failures = 0;
const results = [];
for (const name of chosen) {
  const scenario = await load(name);
  const sizes = scenario.sizes;
  if (!sizes[size]) {
    console.error(`bench: scenario ${name} has no size ${size} (${Object.keys(sizes).join(', ')})`);
    process.exit(1);
  }
  const params = { ...sizes[size], ...overrides };
  const started = new Date();
  const machine = machineInfo();
  log(`bench ${name} (${size}): ${JSON.stringify(params)}`);
  try {
    const out = await scenario.run(params, { log, size });
    const finished = new Date();
    const result = {
      scenario: name,
      description: scenario.description,
      size: Object.keys(overrides).length > 0 ? `${size}+custom` : size,
      params,
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      duration_s: Math.round((finished - started) / 100) / 10,
      machine: { ...machine, loadavg_end: machineInfo().loadavg },
      // the tree when dist/ was copied (npm run bench builds just before); machine.commit is the tree at the scenario's start
      build: { dist_sha256: build.dist_sha256, commit: buildGit.commit, src_changed: buildGit.src_changed },
      cases: out.cases,
      notes: out.notes ?? [],
    };
    const file = writeResult(resultsDir, result);
    results.push(result);
    process.stdout.write(`${formatTable(result)}result: ${file}\n\n`);
  } catch (error) {
    failures++;
    console.error(`bench ${name} failed: ${error instanceof Error ? error.stack : error}`);
  }
}
// Issue 17's six rows, read from the cases above (each with the yardstick of its own run).
process.stdout.write(formatIssue17(results));
process.exit(failures > 0 ? 1 : 0);
