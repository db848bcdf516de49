// The CLI's code as the bin (main.ts) loads it. For `start` it takes SIGHUP first, before the
// rest of the CLI loads (yargs and the command chunks: ~0.1-0.2 s on a busy machine): a reload
// sent right after the daemon was started (systemd's `reload` after `start`) must not meet Node's
// default for SIGHUP, which is to exit. Then it loads the CLI.
import { holdHangups } from '../app/signals.js';
import { commandOf } from './commandWord.js';

if (commandOf(process.argv.slice(2)) === 'start') holdHangups();
void import('./cli.js');
