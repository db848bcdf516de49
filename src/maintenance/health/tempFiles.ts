// Counts the temp and editor leftovers under the root, older than a minimum age. A streaming
// walk (fs.opendir, one directory open at a time) that never follows a symlink and never
// enters .git, node_modules or the cleanup quarantine. Names are bytes (latin1 strings here),
// so no file name can break the walk.
import fs from 'node:fs';

/** The leftovers we count, by file name (documented in docs/maintenance.md). */
export const TEMP_PATTERNS: ReadonlyArray<{ label: string; test: RegExp }> = [
  { label: '*.tmp, *.temp', test: /\.te?mp$/i },
  { label: '*~', test: /~$/ },
  { label: '.*.swp (vim swap, .swo ...)', test: /^\..*\.sw[a-p]$/ },
  { label: '#*# (emacs autosave)', test: /^#.*#$/ },
  { label: '.#* (emacs lock)', test: /^\.#./ },
  { label: '*.bak, *.orig, *.rej', test: /\.(?:bak|orig|rej)$/i },
  { label: '.DS_Store, Thumbs.db', test: /^(?:\.DS_Store|Thumbs\.db)$/ },
];

/** Folders never entered, at any depth. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.quarantine']);

/** True when a file name (bytes as latin1) is a temp or editor leftover. */
export function isTempName(name: string): boolean {
  return TEMP_PATTERNS.some((pattern) => pattern.test.test(name));
}

export interface TempFileScan {
  /** Leftovers older than the minimum age. */
  count: number;
  /** The first few of them, root-relative. */
  examples: string[];
  /** Folders that could not be read (the count is then a lower bound). */
  unreadable: number;
  unreadable_examples: string[];
}

export interface TempFileOptions {
  /** Absolute real path of the root. */
  root: string;
  minAgeMs: number;
  now: number;
  exampleLimit?: number;
}

export function scanTempFiles(options: TempFileOptions): TempFileScan {
  const limit = options.exampleLimit ?? 10;
  const rootBytes = Buffer.from(options.root, 'utf8').toString('latin1');
  const scan: TempFileScan = { count: 0, examples: [], unreadable: 0, unreadable_examples: [] };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    const dir = openDir(join(rootBytes, rel));
    if (dir === null) {
      scan.unreadable += 1;
      if (scan.unreadable_examples.length < limit) scan.unreadable_examples.push(shown(rel || '.'));
      continue;
    }
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        const name = (entry.name as unknown as Buffer).toString('latin1');
        const childRel = rel ? `${rel}/${name}` : name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(name)) pending.push(childRel);
        } else if (isTempName(name) && olderThan(join(rootBytes, childRel), options)) {
          scan.count += 1;
          if (scan.examples.length < limit) scan.examples.push(shown(childRel));
        }
      }
    } catch {
      scan.unreadable += 1;
    } finally {
      dir.closeSync();
    }
  }
  return scan;
}

function openDir(latin1Path: string): fs.Dir | null {
  try {
    return fs.opendirSync(Buffer.from(latin1Path, 'latin1'), { encoding: 'buffer' as BufferEncoding });
  } catch {
    return null;
  }
}

/** lstat: a symlink's own time, never its target's. A file that vanished is not counted. */
function olderThan(latin1Path: string, options: TempFileOptions): boolean {
  try {
    const stat = fs.lstatSync(Buffer.from(latin1Path, 'latin1'));
    return options.now - stat.mtimeMs > options.minAgeMs;
  } catch {
    return false;
  }
}

function join(root: string, rel: string): string {
  return rel ? `${root}/${rel}` : root;
}

function shown(latin1Rel: string): string {
  return Buffer.from(latin1Rel, 'latin1').toString('utf8');
}
