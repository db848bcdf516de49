// Reads the config file's text; every way it can fail becomes a ConductorError naming the path.
// It is read as bytes and decoded strictly (decodeUtf8), and only a regular file of at most
// MAX_CONFIG_BYTES is read at all: `--config /dev/zero` or a FIFO would otherwise never return.
import fs from 'node:fs';
import { decodeUtf8 } from '../core/config/decodeUtf8.js';
import { ConductorError, formatProblem } from '../core/errors.js';

/** 64 MiB: far above any real config (100,000 tasks take about 6 MiB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export function readConfigText(file: string, shown: string): string {
  const bytes = readConfigBytes(file, shown);
  const decoded = decodeUtf8(bytes, shown);
  if (!decoded.ok) throw new ConductorError('CONFIG_JSON', formatProblem(decoded.problem));
  return decoded.text;
}

function readConfigBytes(file: string, shown: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(error, shown);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new ConductorError('CONFIG_UNREADABLE', `${shown}: is a directory, not a config file`);
    if (!stat.isFile()) {
      throw new ConductorError('CONFIG_UNREADABLE', `${shown}: is ${kindOf(stat)}, not a regular file; the config must be a file`);
    }
    if (stat.size > MAX_CONFIG_BYTES) throw tooLarge(shown, `${(stat.size / 1024 / 1024).toFixed(1)} MiB`);
    // Read to the end rather than trusting the size (it may grow, or be 0 as in /proc), up to the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, MAX_CONFIG_BYTES + 1 - total));
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > MAX_CONFIG_BYTES) throw tooLarge(shown, 'larger');
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof ConductorError) throw error;
    throw unreadable(error, shown);
  } finally {
    fs.closeSync(fd);
  }
}

function unreadable(error: unknown, shown: string): ConductorError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ConductorError('CONFIG_NOT_FOUND', `${shown}: config file not found (use --home DIR or --config FILE)`, {
      cause: error,
    });
  }
  if (code === 'ENOTDIR') {
    return new ConductorError('CONFIG_NOT_FOUND', `${shown}: config file not found (a part of that path is a file, not a folder)`, {
      cause: error,
    });
  }
  if (code === 'EISDIR') return new ConductorError('CONFIG_UNREADABLE', `${shown}: is a directory, not a config file`, { cause: error });
  const reason = code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new ConductorError('CONFIG_UNREADABLE', `${shown}: cannot read the config file: ${reason}`, { cause: error });
}

function tooLarge(shown: string, size: string): ConductorError {
  const limit = `${MAX_CONFIG_BYTES / 1024 / 1024} MiB`;
  return new ConductorError('CONFIG_UNREADABLE', `${shown}: the file is ${size === 'larger' ? `over ${limit}` : size}; a config may have at most ${limit}`);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
