// Runs the built CLI (dist/cli/main.js) as a user would, in a temporary home.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. `home` becomes --home unless `noHome` is set. */
export function runCli(
  args: string[],
  options: { home?: string; env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {},
): CliResult {
  const full = options.home ? ['--home', options.home, ...args] : args;
  const result = spawnSync(process.execPath, [cliPath, ...full], {
    cwd: options.cwd ?? options.home ?? repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024, // spawnSync's 1 MiB would kill the CLI mid-output on large homes
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting, for signals and daemons. */
const spawned = new Set<ChildProcess>();

export function spawnCli(args: string[], options: { home?: string; env?: Record<string, string> } = {}) {
  const full = options.home ? ['--home', options.home, ...args] : args;
  const child = spawn(process.execPath, [cliPath, ...full], {
    cwd: options.home ?? repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

/** Kills what spawnCli started and is still running (a test that failed before stopping it): run after each file. */
export function killSpawned(): void {
  for (const child of spawned) child.kill('SIGKILL');
  spawned.clear();
}

/** A fresh temporary home, with an optional config written to config/conductor_config.json. */
export function makeHome(config?: unknown): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-test-'));
  if (config !== undefined) writeConfig(home, config);
  return home;
}

/**
 * Writes the config. The daemon serves HTTP on 8080 by default: a config object that says
 * nothing of `settings.http` gets `port: 0` (a free port, in status/http.url), so daemons of
 * tests running side by side never collide.
 */
export function writeConfig(home: string, config: unknown): void {
  fs.mkdirSync(path.join(home, 'config'), { recursive: true });
  const text = typeof config === 'string' ? config : JSON.stringify(withFreePort(config), null, 2);
  fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), text);
}

function withFreePort(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const settings = (config as { settings?: unknown }).settings;
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) return config;
  if (settings && 'http' in settings) return config;
  return { ...config, settings: { ...(settings as object | undefined), http: { port: 0 } } };
}

/** The daemon's HTTP address and main token (its file's, unless given), once it has written them. */
export function apiOf(home: string, given?: string): { url: string; token: string } | null {
  try {
    const url = fs.readFileSync(path.join(home, 'status', 'http.url'), 'utf8').trim();
    const token = given ?? fs.readFileSync(path.join(home, 'status', 'api.token'), 'utf8').trim();
    return url && token ? { url, token } : null;
  } catch {
    return null;
  }
}

export const NOBODY_UID = 65534;
const NOBODY_SETPRIV = [`--reuid=${NOBODY_UID}`, `--regid=${NOBODY_UID}`, '--clear-groups'];

/**
 * The tests run as root, whom no permission stops; what a daemon's user meets (a folder or a
 * history it cannot write) is made real by running the CLI as user nobody (uid 65534) with
 * setpriv. Why that cannot be done here, or null when it can.
 */
export function asNobodyUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the tests do not run as root, so they cannot run the CLI as another user';
  const probe = spawnSync('setpriv', [...NOBODY_SETPRIV, 'true'], { encoding: 'utf8' });
  if (probe.error) return `setpriv is not available (${probe.error.message})`;
  if (probe.status !== 0) return `setpriv cannot switch to uid ${NOBODY_UID}: ${probe.stderr.trim() || `exit ${probe.status}`}`;
  return null;
}

/**
 * A fresh home owned by nobody, as makeHome makes one. The tests' temporary folder (mode 700)
 * is opened for others to pass through (not to list), so nobody can reach the home.
 */
export function makeNobodyHome(config?: unknown): string {
  const tmp = os.tmpdir();
  const mode = fs.statSync(tmp).mode;
  if ((mode & 0o001) === 0) fs.chmodSync(tmp, (mode & 0o7777) | 0o711);
  const home = makeHome(config);
  chownTree(home, NOBODY_UID);
  return home;
}

/** `chown -R uid:uid dir`. */
export function chownTree(dir: string, uid: number): void {
  fs.chownSync(dir, uid, uid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(file, uid);
    else fs.lchownSync(file, uid, uid);
  }
}

/** runCli as user nobody (see asNobodyUnavailable). */
export function runCliAsNobody(args: string[], options: { home: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number }): CliResult {
  const result = spawnSync('setpriv', [...NOBODY_SETPRIV, process.execPath, cliPath, '--home', options.home, ...args], {
    cwd: options.cwd ?? options.home,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
