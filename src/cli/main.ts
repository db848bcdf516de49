#!/usr/bin/env node
// The bin. It loads the CLI's code (dist/cli/entry.cjs and the chunks it asks for) through V8's
// code cache kept per command (chunkLoader.ts, compileCache.ts), and writes the caches of what it
// compiled once a command has done its work.
//
// The daemon runs without V8's optimising compilers (`--max-opt=1`: the interpreter and the
// baseline compiler only), unless its command line names a tier itself. Its JavaScript is short
// work between waits (a fire, a process's end, a request): TurboFan's code and its compiles cost
// the idle daemon ~6 MB of RSS (1,000 tasks: 62.8 -> 57.1 MB, as the unit runs it) and, with 100
// runs a second, more CPU than they saved (3.25-3.57 -> 2.95-3.20 s in 20 s; fire lateness p99
// 311 -> 272 ms). Set here, before any of its code is compiled, rather than in the unit:
// NODE_OPTIONS may not carry it, and every way of starting the daemon (the unit, npm start, the
// bin) then gets it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { ChunkLoader } from './chunkLoader.js';
import { commandOf } from './commandWord.js';
import { compileCacheDir, worthKeeping } from './compileCache.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const command = commandOf(process.argv.slice(2));
if (command === 'start' && !process.execArgv.some((arg) => /^--(max[-_]opt|turbofan|no[-_]turbofan|maglev|no[-_]opt)\b/.test(arg))) {
  v8.setFlagsFromString('--max-opt=1');
}
const loader = new ChunkLoader(here, compileCacheDir(here, command, process.env));
process.on('exit', (code) => {
  if (worthKeeping(code)) loader.save();
});
loader.load('entry.cjs');
