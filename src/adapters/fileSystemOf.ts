// Which file system holds a path, and how full it is: a "disk full" error says which one is full
// (its mount point, type and free space), since the path alone rarely tells (/var, /, a tmpfs).
import fs from 'node:fs';
import path from 'node:path';

export interface FileSystemInfo {
  mountPoint: string;
  type: string;
  sizeBytes: number;
  freeBytes: number;
}

/** True for the errors a full disk or an exhausted quota gives: ENOSPC, EDQUOT, SQLITE_FULL. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'SQLITE_FULL') return true;
  }
  return false;
}

/** The file system holding `target` (which may not exist yet), or null when it cannot be told. */
export function fileSystemOf(target: string): FileSystemInfo | null {
  let existing = path.resolve(target);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let real: string;
  let stats: fs.StatsFs;
  try {
    real = fs.realpathSync(existing);
    stats = fs.statfsSync(real);
  } catch {
    return null;
  }
  let best = { mountPoint: '/', type: '?' };
  try {
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const fields = line.split(' ');
      const dash = fields.indexOf('-');
      const mountPoint = unescapeMount(fields[4] ?? '');
      if (dash < 0 || !within(real, mountPoint) || mountPoint.length < best.mountPoint.length) continue;
      best = { mountPoint, type: fields[dash + 1] ?? '?' };
    }
  } catch {
    // no /proc: the mount point stays unknown ('/')
  }
  return { ...best, sizeBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
}

/** "the file system at /var (ext4, 0 B free of 20 GiB) is full", or a plainer sentence. */
export function describeFullFileSystem(target: string): string {
  const info = fileSystemOf(target);
  if (!info) return `the file system holding ${target} is full`;
  return `the file system at ${info.mountPoint} (${info.type}, ${bytes(info.freeBytes)} free of ${bytes(info.sizeBytes)}) is full`;
}

function within(file: string, mountPoint: string): boolean {
  return mountPoint === '/' || file === mountPoint || file.startsWith(`${mountPoint}/`);
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
