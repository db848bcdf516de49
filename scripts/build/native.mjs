// Builds one of the small C helpers in native/ into dist/native/, only when its source is newer
// than the binary. Optional: without a C compiler, or when compiling fails, it says so in one
// line and exits 0; the conductor then uses its fallback. $CC, when set, is tried before cc and gcc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Compiles native/<source> to dist/native/<target> (with `flags` too); `what` and `fallback` word the skip message. */
export function buildNative({ source: sourceName, target: targetName, what, fallback, flags = [] }) {
  const source = path.join(root, 'native', sourceName);
  const target = path.join(root, 'dist', 'native', targetName);
  const skip = (reason) => {
    process.stderr.write(`${what} not built (${reason}); ${fallback}\n`);
    process.exit(0);
  };
  const sourceTime = mtime(source);
  if (sourceTime === null) skip(`${path.relative(root, source)} is missing`);
  const targetTime = mtime(target);
  if (targetTime !== null && targetTime >= sourceTime) return;

  const compilers = [...new Set([process.env.CC, 'cc', 'gcc'].filter((c) => c && c.trim()))];
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Compile beside the target and rename: a concurrent build or a running conductor never sees half a binary.
  const temp = `${target}.${process.pid}.tmp`;
  let failure = null;
  for (const compiler of compilers) {
    const result = spawnSync(compiler, ['-O2', '-Wall', '-Wextra', ...flags, '-o', temp, source], { encoding: 'utf8' });
    if (result.error && result.error.code === 'ENOENT') continue;
    if (result.error) {
      failure = `${compiler}: ${result.error.message}`;
      break;
    }
    if (result.status !== 0) {
      const firstError = `${result.stderr}`.split('\n').find((line) => line.includes('error')) ?? `exit ${result.status ?? result.signal}`;
      failure = `${compiler} failed: ${firstError.trim()}`;
      break;
    }
    fs.renameSync(temp, target);
    return;
  }
  fs.rmSync(temp, { force: true });
  skip(failure ?? `no C compiler found: tried ${compilers.join(', ')}`);
}
