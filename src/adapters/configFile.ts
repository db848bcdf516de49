// Reads the config file's text; every way it can fail becomes a ConductorError naming the path.
import fs from 'node:fs';
import { ConductorError } from '../core/errors.js';

export function readConfigText(file: string, shown: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConductorError('CONFIG_NOT_FOUND', `${shown}: config file not found (use --home DIR or --config FILE)`, {
        cause: error,
      });
    }
    if (code === 'EISDIR') {
      throw new ConductorError('CONFIG_UNREADABLE', `${shown}: is a directory, not a config file`, { cause: error });
    }
    const reason = code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConductorError('CONFIG_UNREADABLE', `${shown}: cannot read the config file: ${reason}`, { cause: error });
  }
}
