#!/usr/bin/env node
// The CLI's entry. For `start` it takes SIGHUP first, before the rest of the CLI loads (yargs and
// the command chunks: ~0.1-0.2 s on a busy machine): a reload sent right after the daemon was
// started (systemd's `reload` after `start`) must not meet Node's default for SIGHUP, which is to
// exit. Only Node's own start-up, before any of our code, remains. Then it loads the CLI.
//
// The daemon also runs without V8's optimising compilers (`--max-opt=1`: the interpreter and the
// baseline compiler only), unless its command line names a tier itself. Its JavaScript is short
// work between waits (a fire, a process's end, a request): TurboFan's code and its compiles cost
// the idle daemon ~6 MB of RSS (1,000 tasks: 62.8 -> 57.1 MB, as the unit runs it) and, with 100
// runs a second, more CPU than they saved (3.25-3.57 -> 2.95-3.20 s in 20 s; fire lateness p99
// 311 -> 272 ms). Set here rather than in the unit: NODE_OPTIONS may not carry it, and every way
// of starting the daemon (the unit, npm start, the bin) then gets it.
import { commandOf, holdHangups } from '../app/signals.js';

if (commandOf(process.argv.slice(2)) === 'start') {
  holdHangups();
  if (!process.execArgv.some((arg) => /^--(max[-_]opt|turbofan|no[-_]turbofan|maglev|no[-_]opt)\b/.test(arg))) {
    (await import('node:v8')).setFlagsFromString('--max-opt=1');
  }
}
await import('./cli.js');
