// Builds scratch repositories for the maintenance tests: a git work tree with thousands of
// committed files, ignored and untracked leftovers of every kind, symlinks inside the root and
// out of it, protected files, and names with spaces, a newline and a 0xff byte. Also a tree
// snapshot (path, kind, mode, size, mtime, content hash) to prove nothing else was touched.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DAY = 86_400_000;

/** A path under the root as raw bytes (latin1 string), like the tools use. */
export const bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
export const abs = (root: string, rel: string): Buffer => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(rel, 'latin1')]);

export const NEWLINE_NAME = bytes('odd\nname.tmp');
export const FF_NAME = `bad${String.fromCharCode(0xff)}name.bak`;
export const SPACE_NAME = bytes('with space.tmp');

export interface ScratchRepo {
  base: string;
  root: string;
  outside: string;
  /** Relative paths (latin1) the default policy makes candidates. */
  candidates: string[];
  remove(): void;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    stdio: 'ignore',
  });
}

function put(root: string, rel: string, content: string | Buffer = '', ageMs = 2 * DAY, mode?: number): void {
  const target = abs(root, rel);
  fs.mkdirSync(parentOf(target), { recursive: true });
  fs.writeFileSync(target, content);
  if (mode !== undefined) fs.chmodSync(target, mode);
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(target, when, when);
}

function parentOf(target: Buffer): Buffer {
  return target.subarray(0, target.lastIndexOf(0x2f));
}

function link(root: string, rel: string, to: string): void {
  fs.symlinkSync(to, abs(root, rel));
  const when = new Date(Date.now() - 2 * DAY);
  fs.lutimesSync(abs(root, rel), when, when);
}

/** A scratch repository with `tracked` committed filler files (default 3000). */
export function buildScratchRepo(options: { tracked?: number; bigBytes?: number } = {}): ScratchRepo {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-maint-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  put(outside, 'secret.bak', 'outside secret\n');
  put(outside, 'junk.tmp', 'outside junk\n');

  // Committed content.
  put(root, '.gitignore', '*.log\nbuild/\nnode_modules/\n__pycache__/\n');
  const tracked = options.tracked ?? 3000;
  for (let i = 0; i < tracked; i += 1) {
    put(root, `pkg/m${Math.floor(i / 100)}/file${i}.txt`, `tracked file ${i}\n${'x'.repeat(i % 97)}\n`);
  }
  put(root, 'docs/readme.md', '# Scratch\nThe original document.\n');
  put(root, 'docs/guide.md', 'guide\n');
  put(root, 'src/main.ts', 'export const main = 1;\n');
  put(root, 'src/old.bak', 'tracked and protected\n');
  put(root, 'config/app.json', '{"a":1}\n');
  put(root, 'tracked.bak', 'a tracked backup\n');
  put(root, 'pkg/__init__.py', '');
  put(root, 'exec.sh', '#!/bin/sh\necho hi\n', 2 * DAY, 0o755);
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'scratch');

  // Untracked and ignored leftovers: the candidates.
  const candidates: string[] = [];
  const cand = (rel: string, content: string | Buffer = '', ageMs?: number, mode?: number): void => {
    put(root, rel, content, ageMs, mode);
    candidates.push(rel);
  };
  cand('notes.txt~', 'editor backup\n');
  cand('.draft.md.swp', 'swap\n');
  cand('report.bak', 'old report\n');
  cand('data/report.orig', 'orig\n');
  cand('scratch.tmp', 'temp\n');
  cand('empty.txt');
  cand('copy of readme.md', '# Scratch\nThe original document.\n'); // duplicate of tracked docs/readme.md
  cand('dups/b-newer.txt', 'same bytes\n', 1 * DAY); // duplicate of the older copy
  put(root, 'dups/a-older.txt', 'same bytes\n', 3 * DAY);
  cand('big.bin', Buffer.alloc(options.bigBytes ?? 2 * 1024 * 1024, 7));
  cand('build/out.o', 'object\n'); // ignored build leftover
  cand('logs/old.log', 'old log\n', 60 * DAY); // ignored old log
  put(root, 'logs/new.log', 'new log\n', 0);
  cand('__pycache__/mod.cpython-311.pyc', 'pyc\n');
  cand(SPACE_NAME, 'space\n');
  cand(NEWLINE_NAME, 'newline\n');
  cand(FF_NAME, 'not utf-8\n');
  cand('ro/readonly.tmp', 'read only\n', 2 * DAY, 0o444);
  put(root, 'fresh.tmp', 'in use right now\n', 0); // too recent (--min-age 1h)
  link(root, 'link-inside.bak', 'docs/readme.md');
  candidates.push('link-inside.bak');
  link(root, 'link-outside.bak', '../outside/secret.bak');
  candidates.push('link-outside.bak');
  link(root, 'outdir', '../outside'); // a symlinked folder: never walked into
  // Protected though they look like candidates.
  put(root, 'config/app.json.bak', 'protected by config/\n');
  put(root, 'src/generated.tmp', 'protected by src/\n');
  put(root, 'status/conductor.db', 'SQLite format 3\0');
  put(root, 'node_modules/x/index.js.bak', 'dependency\n');
  put(root, '.env.bak', 'SECRET=1\n');
  put(root, 'keep/notes.md', 'untracked, no reason\n');
  return { base, root, outside, candidates: candidates.sort(), remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** A file (or symlink, folder) as the snapshot sees it. */
export type Snapshot = Map<string, string>;

const STATE = ['.quarantine', 'cleanup_actions.log', 'cleanup_inventory.json', '.cleanup_registry.json', '.cleanup.lock'];

/** Every path under `dir` (latin1) with kind, mode, size, mtime (ns) and content hash; the tools' state excluded. */
export function snapshotTree(dir: string, options: { withState?: boolean } = {}): Snapshot {
  const out: Snapshot = new Map();
  const visit = (rel: string): void => {
    const full = rel === '' ? Buffer.from(dir) : abs(dir, rel);
    for (const name of fs.readdirSync(full, { encoding: 'buffer' })) {
      const child = rel === '' ? name.toString('latin1') : `${rel}/${name.toString('latin1')}`;
      if (!options.withState && rel === '' && STATE.includes(name.toString('latin1'))) continue;
      const stat = fs.lstatSync(abs(dir, child), { bigint: true });
      const mode = (stat.mode & 0o7777n).toString(8);
      if (stat.isDirectory()) {
        out.set(child, `dir ${mode}`);
        visit(child);
      } else if (stat.isSymbolicLink()) {
        out.set(child, `link ${fs.readlinkSync(abs(dir, child), { encoding: 'buffer' }).toString('hex')} ${stat.mtimeNs}`);
      } else {
        const hash = createHash('sha256').update(fs.readFileSync(abs(dir, child))).digest('hex');
        out.set(child, `file ${mode} ${stat.size} ${stat.mtimeNs} ${hash}`);
      }
    }
  };
  visit('');
  return out;
}

/** The differences between two snapshots, as readable lines (empty when equal). */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const [key, value] of before) {
    const now = after.get(key);
    if (now === undefined) lines.push(`gone: ${JSON.stringify(key)}`);
    else if (now !== value) lines.push(`changed: ${JSON.stringify(key)} ${value} -> ${now}`);
  }
  for (const key of after.keys()) if (!before.has(key)) lines.push(`new: ${JSON.stringify(key)}`);
  return lines;
}

/** `before` without the given paths (what a cleanup is allowed to take away). */
export function without(snapshot: Snapshot, paths: string[]): Snapshot {
  const copy = new Map(snapshot);
  for (const p of paths) copy.delete(p);
  return copy;
}
