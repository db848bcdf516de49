// The spawn helper in tests: its binary (built once by a suite's beforeAll), and the helpers a
// process has started (to stop or kill one in the middle of its work).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const helperBinary = path.join(root, 'dist', 'native', 'spawn-helper');

/** Builds dist/native/spawn-helper when its source is newer; throws when it cannot (a C compiler is required here). */
export function buildSpawnHelper(): void {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build', 'spawn-helper.mjs')], { encoding: 'utf8' });
  if (build.status !== 0 || build.stderr.includes('not built') || !fs.existsSync(helperBinary)) {
    throw new Error(`the spawn helper could not be built (a C compiler is required here): ${build.stderr || `exit ${build.status}`}`);
  }
}

/** Pids of this process's spawn-helper children (one per back end that has started something). */
export function helperPids(parent = process.pid): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return comm === 'spawn-helper' && Number(fields[1]) === parent && fields[0] !== 'Z' ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
