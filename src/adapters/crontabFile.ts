// Reads a crontab's text (or standard input for `-`); every way it can fail becomes a
// ConductorError naming the file and what to do.
import fs from 'node:fs';
import { ConductorError } from '../core/errors.js';

/** The text of `file` (`-` is standard input), shown to the user as `shown`. */
export function readCrontabText(file: string, shown: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fail = (reason: string) => new ConductorError('INPUT_INVALID', `${shown}: ${reason}`, { cause: error });
    if (code === 'ENOENT') throw fail('no such file (name a crontab file, or - to read one from standard input, e.g. crontab -l | ... import-crontab -)');
    if (code === 'EISDIR') throw fail('is a directory, not a crontab (name one of its files, e.g. /etc/cron.d/NAME)');
    if (code === 'EACCES') throw fail('permission denied (system and other users\' crontabs are readable by root only)');
    throw fail(`cannot read the crontab: ${(error as Error).message}`);
  }
}
