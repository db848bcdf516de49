#!/usr/bin/env node
// The CLI's entry. For `start` it takes SIGHUP first, before the rest of the CLI loads (yargs and
// the command chunks: ~0.1-0.2 s on a busy machine): a reload sent right after the daemon was
// started (systemd's `reload` after `start`) must not meet Node's default for SIGHUP, which is to
// exit. Only Node's own start-up, before any of our code, remains. Then it loads the CLI.
import { commandOf, holdHangups } from '../app/signals.js';

if (commandOf(process.argv.slice(2)) === 'start') holdHangups();
await import('./cli.js');
