// The maintenance tools' renames and lock through the small C helper native/safe_move.c
// (dist/native/safe-move, built by `npm run build` when a C compiler is present): Node has no
// openat/renameat, so a folder checked in JavaScript could be swapped for a symlink before the
// rename; the helper renames between folder descriptors opened beneath the root without
// following any link, and never replaces a file. Its protocol is documented at its top.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const HELPER = fileURLToPath(new URL('../native/safe-move', import.meta.url));

/** One rename inside the root; paths are relative to it, as exact bytes. */
export interface SafeMove {
  from: Buffer;
  to: Buffer;
  /** What the caller saw of `from` (lstat); the rename is refused when it is not that file any more. */
  expect: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint } | null;
  /** Mode of the folders created on the way to `to`. */
  dirMode: number;
}

/** How a rename ended; null when the helper gave no answer for it (it died): look at the files. */
export type SafeMoveReply =
  | { ok: true }
  | { ok: false; stage: 'source' | 'changed' | 'target' | 'rename'; code: string; message: string }
  | null;

/**
 * Whether renames go through the helper: it is built, and CONDUCTOR_SAFE_MOVE=node (which forces
 * Node's rename, for comparison) is not set.
 */
export function safeMoveAvailable(): boolean {
  return process.env.CONDUCTOR_SAFE_MOVE !== 'node' && isExecutable(HELPER);
}

/** Renames each entry, in order, beneath `root` (an absolute real path). */
export function moveBeneath(root: string, moves: SafeMove[]): SafeMoveReply[] {
  if (moves.length === 0) return [];
  const NUL = Buffer.from([0]);
  const field = (value: Buffer | string): Buffer[] => [typeof value === 'string' ? Buffer.from(value) : value, NUL];
  const input = Buffer.concat(
    moves.flatMap((m) => [
      ...field(m.from),
      ...field(m.to),
      ...field(m.expect ? m.expect.dev.toString() : '-'),
      ...field(m.expect ? m.expect.ino.toString() : '-'),
      ...field(m.expect ? m.expect.size.toString() : '-'),
      ...field(m.expect ? m.expect.mtimeNs.toString() : '-'),
      ...field(m.dirMode.toString(8)),
    ]),
  );
  const result = spawnSync(HELPER, ['move', root], {
    input,
    maxBuffer: 64 << 20,
  });
  if (result.error) throw result.error;
  const lines = result.stdout.toString('utf8').split('\n').filter((line) => line.length > 0);
  return moves.map((_, index) => parseReply(lines[index]));
}

function parseReply(line: string | undefined): SafeMoveReply {
  if (line === undefined) return null;
  if (line === 'ok') return { ok: true };
  const match = /^error (source|changed|target|rename) (\S+) (.*)$/.exec(line);
  if (!match) return null;
  return { ok: false, stage: match[1] as 'source', code: match[2] as string, message: match[3] as string };
}

/**
 * Takes an exclusive flock(2) on the open file `fd`, waiting at most `waitMs`; false when another
 * open file holds it. The lock belongs to the open file (not to the helper that takes it): it
 * lasts until `fd` is closed or this process dies, and the kernel releases it then. Without the
 * helper, util-linux flock(1) takes it the same way.
 */
export function lockOpenFile(fd: number, waitMs: number): boolean {
  const [command, args] = isExecutable(HELPER)
    ? [HELPER, ['lock', String(Math.max(0, Math.round(waitMs)))]]
    : ['flock', ['--exclusive', ...(waitMs > 0 ? ['--wait', String(waitMs / 1000)] : ['--nonblock']), '3']];
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
  if (result.error) throw new Error(`cannot take the lock: ${command}: ${result.error.message} (build native/safe_move.c or install util-linux)`);
  if (result.status === 0) return true;
  if (result.status === 1) return false;
  throw new Error(`cannot take the lock: ${result.stderr.toString().trim() || `${command} exited ${result.status ?? result.signal}`}`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
