// Shared by the service tests: systemd-analyze, the setup script, sandboxes and snapshots.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const unitName = 'symphony-conductor.service';
export const shippedUnit = path.join(repoRoot, 'systemd', unitName);
export const setupScript = path.join(repoRoot, 'scripts', 'setup_symphony_conductor.sh');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The systemd-analyze binary. Missing is a failure, never a skip: CI must install it. */
export function systemdAnalyze(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/bin'])) {
    const candidate = path.join(dir, 'systemd-analyze');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'systemd-analyze is not installed: the service tests need it (Debian/Ubuntu: apt-get install -y systemd)',
  );
}

export function analyze(args: string[], env: Record<string, string> = {}): Result {
  const result = spawnSync(systemdAnalyze(), args, {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', ...env },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface Verdict {
  code: number | null;
  /** Output lines about the unit under test (its path or its name). */
  ours: string[];
  /** Output lines about anything else (other units of the machine): noise, reported only. */
  others: string[];
}

/** `systemd-analyze [--user] verify FILE`, its output split into lines about our unit and the rest. */
export function verify(file: string, options: { user?: boolean } = {}): Verdict {
  const env: Record<string, string> = {};
  const args = ['verify', file];
  if (options.user) {
    // A user-scope verify needs a runtime directory even with no user manager running.
    const runtime = tempDir('conductor-runtime-');
    fs.chmodSync(runtime, 0o700);
    env.XDG_RUNTIME_DIR = process.env.XDG_RUNTIME_DIR ?? runtime;
    args.unshift('--user');
  }
  const result = analyze(args, env);
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  const isOurs = (line: string) => line.includes(file) || line.includes(path.basename(file));
  return { code: result.code, ours: lines.filter(isOurs), others: lines.filter((line) => !isOurs(line)) };
}

/** The overall exposure of `systemd-analyze security --offline=true FILE` (0.0 best .. 10.0 worst). */
export function securityScore(file: string): { score: number; output: string } {
  const result = analyze(['security', '--offline=true', '--no-pager', file]);
  const output = `${result.stdout}${result.stderr}`;
  const match = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(output);
  if (!match?.[1]) throw new Error(`no "Overall exposure level" line in:\n${output}`);
  return { score: Number(match[1]), output };
}

export interface SecurityRow {
  set: boolean;
  name: string;
  description: string;
  exposure: string | null;
}

/** The per-directive table of `systemd-analyze security`, as JSON. */
export function securityRows(file: string): SecurityRow[] {
  const result = analyze(['security', '--offline=true', '--json=short', file]);
  return JSON.parse(result.stdout) as SecurityRow[];
}

/** A unit file as sections of key -> values (a key may repeat). Comments and blanks dropped. */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) throw new Error(`not a unit line: ${raw}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** The last value of a key, as systemd reads it for single-valued settings. */
export function setting(unit: Map<string, Map<string, string[]>>, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

const tempDirs: string[] = [];

/** A fresh temporary folder (its real path), removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs the setup script with bash; `env` is added to (or, with undefined, removed from) ours. */
export function runSetup(args: string[], env: Record<string, string | undefined> = {}): Result {
  const full: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) full[key] = value;
  }
  const result = spawnSync('bash', [setupScript, ...args], {
    encoding: 'utf8',
    env: full,
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every entry under a folder: type, mode, mtime, content hash; to prove nothing changed. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const stat = fs.lstatSync(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) out[rel] = `link ${fs.readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[rel] = `dir ${mode} ${stat.mtimeMs}`;
        walk(full);
      } else {
        const hash = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
        out[rel] = `file ${mode} ${stat.mtimeMs} ${hash}`;
      }
    }
  };
  out['.'] = `dir ${(fs.statSync(root).mode & 0o7777).toString(8)} ${fs.statSync(root).mtimeMs}`;
  walk(root);
  return out;
}

/**
 * A stand-in for systemctl on PATH: logs every call to STATE/calls.log, answers
 * is-system-running with STATE/manager (default "offline"), and keeps enabled/active
 * state as files, so the setup script's systemd steps can run without touching the machine.
 */
export function makeStubSystemctl(): { binDir: string; stateDir: string; calls: () => string[] } {
  const binDir = tempDir('conductor-stub-bin-');
  const stateDir = tempDir('conductor-stub-state-');
  const stub = `#!/bin/sh
state=${JSON.stringify(stateDir)}
printf '%s\\n' "$*" >> "$state/calls.log"
[ "$1" = "--user" ] && shift
case "$1" in
  is-system-running) if [ -f "$state/manager" ]; then cat "$state/manager"; else echo offline; exit 1; fi ;;
  is-enabled) if [ -f "$state/enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  is-active) if [ -f "$state/active" ]; then echo active; else echo inactive; exit 3; fi ;;
  enable) touch "$state/enabled" ;;
  start|restart) touch "$state/active" ;;
  daemon-reload|status) ;;
  *) echo "stub systemctl: unexpected: $*" >&2; exit 1 ;;
esac
`;
  fs.writeFileSync(path.join(binDir, 'systemctl'), stub, { mode: 0o755 });
  // loginctl only feeds a note about lingering; keep the real one out of the tests.
  fs.writeFileSync(path.join(binDir, 'loginctl'), '#!/bin/sh\necho yes\n', { mode: 0o755 });
  const calls = () => {
    const log = path.join(stateDir, 'calls.log');
    return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  };
  return { binDir, stateDir, calls };
}

/**
 * A checkout as the script sees one, built already: dist/cli/main.js prints its argv, cwd and
 * CONDUCTOR_HOME as JSON, so the printed foreground command can be run for real.
 */
export function makeFakeSource(): string {
  const source = tempDir('conductor-source-');
  fs.mkdirSync(path.join(source, 'dist', 'cli'), { recursive: true });
  fs.writeFileSync(
    path.join(source, 'dist', 'cli', 'main.js'),
    'console.log(JSON.stringify({ argv: process.argv.slice(2), home: process.env.CONDUCTOR_HOME }));\n',
  );
  fs.writeFileSync(path.join(source, 'package.json'), '{ "name": "symphony-conductor", "type": "module" }\n');
  fs.writeFileSync(path.join(source, 'package-lock.json'), '{ "name": "symphony-conductor", "lockfileVersion": 3 }\n');
  fs.mkdirSync(path.join(source, 'config'));
  fs.writeFileSync(path.join(source, 'config', 'conductor_config.example.json'), '{ "tasks": [] }\n');
  return source;
}
