// A streaming, depth-first walk of the root that never follows a symlink and never enters a
// `.git` directory. Children are visited in byte order, so an inventory is deterministic.
// Memory is bounded by the directories on the current path, not by the size of the tree.
import fs from 'node:fs';
import { bytesOf, fsPath, joinPath, type BytePath } from '../shared/bytePath.js';

export type WalkItem =
  | { type: 'entry'; rel: BytePath; stat: fs.Stats }
  | { type: 'error'; rel: BytePath; message: string };

export interface WalkOptions {
  /** Absolute root, as bytes. */
  root: BytePath;
  /** Paths (relative) that are not walked nor listed: the tools' own state. */
  skip: (rel: BytePath, isDirectory: boolean) => boolean;
}

/** Yields every non-directory entry under the root (files, symlinks, others) and unreadable places. */
export function* walkTree(options: WalkOptions): Generator<WalkItem> {
  // A stack of relative paths still to visit; a directory's children are pushed in reverse order.
  const stack: BytePath[] = [];
  yield* listDirectory(options, '' as BytePath, stack);
  while (stack.length > 0) {
    const rel = stack.pop() as BytePath;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(fsPath(joinPath(options.root, rel)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // vanished while walking
      yield { type: 'error', rel, message: (error as Error).message };
      continue;
    }
    if (stat.isDirectory()) {
      if (isGitDir(rel) || options.skip(rel, true)) continue;
      yield* listDirectory(options, rel, stack);
    } else if (!options.skip(rel, false)) {
      yield { type: 'entry', rel, stat };
    }
  }
}

function isGitDir(rel: BytePath): boolean {
  return rel === '.git' || rel.endsWith('/.git');
}

function* listDirectory(options: WalkOptions, rel: BytePath, stack: BytePath[]): Generator<WalkItem> {
  const names: Buffer[] = [];
  let dir: fs.Dir | undefined;
  try {
    dir = fs.opendirSync(fsPath(joinPath(options.root, rel)), { encoding: 'buffer' as BufferEncoding });
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      names.push(entry.name as unknown as Buffer);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') yield { type: 'error', rel, message: (error as Error).message };
    return;
  } finally {
    dir?.closeSync();
  }
  names.sort(Buffer.compare);
  for (let index = names.length - 1; index >= 0; index -= 1) {
    stack.push(joinPath(rel, bytesOf(names[index] as Buffer)));
  }
}
