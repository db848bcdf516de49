// The worker's systemd unit (systemd/symphony-conductor-worker.service) and the setup script's
// --worker mode, in sandboxes as in setup.test.ts: a fake built checkout, temporary folders and
// a stand-in systemctl. The system mode is only ever run with --dry-run or --print-unit.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import { TestRedis } from '../helpers/redis.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';
import {
  makeFakeSource,
  makeStubSystemctl,
  parseUnit,
  removeTempDirs,
  repoRoot,
  runSetup,
  securityScore,
  setting,
  snapshot,
  tempDir,
  verify,
} from './helpers.js';

afterAll(removeTempDirs);

const workerUnit = 'symphony-conductor-worker.service';
const shipped = path.join(repoRoot, 'systemd', workerUnit);
const daemonUnit = parseUnit(fs.readFileSync(path.join(repoRoot, 'systemd', 'symphony-conductor.service'), 'utf8'));
const unit = parseUnit(fs.readFileSync(shipped, 'utf8'));
const service = (key: string) => setting(unit, 'Service', key);
const REDIS = 'redis://:s3cret@10.0.0.5:6379/0';

describe('the shipped worker unit', () => {
  it('has no complaint from systemd-analyze verify, nor rendered for this checkout and node', () => {
    const allowed = (lines: string[]) => (fs.existsSync('/usr/bin/node') ? lines : lines.filter((l) => !/\/usr\/bin\/node is not executable/.test(l)));
    expect(allowed(verify(shipped).ours)).toEqual([]);
    const dir = tempDir('conductor-worker-unit-');
    const rendered = runSetup(['--worker', '--print-unit', '--mode', 'system', '--prefix', repoRoot, '--home', path.join(dir, 'home'), '--node', process.execPath]);
    expect(rendered.code).toBe(0);
    const file = path.join(dir, workerUnit);
    fs.writeFileSync(file, rendered.stdout);
    expect(verify(file).ours).toEqual([]);
  });

  it('scores at most 2.0 on systemd-analyze security', () => {
    const { score, output } = securityScore(shipped);
    expect(score, output).toBeLessThanOrEqual(2.0);
  });

  it('runs `worker` with the settings of its environment file, as the service user', () => {
    expect(service('ExecStart')).toBe(
      '/usr/bin/node /opt/symphony-conductor/dist/cli/main.js worker --redis ${CONDUCTOR_REDIS_URL} --prefix ${CONDUCTOR_WORKER_PREFIX} --queues ${CONDUCTOR_WORKER_QUEUES} --concurrency ${CONDUCTOR_WORKER_CONCURRENCY} --name ${CONDUCTOR_WORKER_NAME} --drain-timeout ${CONDUCTOR_WORKER_DRAIN_TIMEOUT}',
    );
    expect(service('EnvironmentFile')).toBe('/etc/symphony-conductor/worker.env');
    expect(unit.get('Service')?.get('Environment')).toEqual(
      expect.arrayContaining([
        'CONDUCTOR_HOME=/var/lib/symphony-conductor-worker',
        'CONDUCTOR_WORKER_QUEUES=default',
        'CONDUCTOR_WORKER_NAME=%H',
        'CONDUCTOR_WORKER_PREFIX=conductor',
        'CONDUCTOR_WORKER_DRAIN_TIMEOUT=30',
      ]),
    );
    expect(service('User')).toBe('symphony');
    expect(service('Restart')).toBe('on-failure');
    expect(service('StateDirectory')).toBe('symphony-conductor-worker');
  });

  it('lets the worker drain before the control group is stopped: TimeoutStopSec is the drain timeout + 15 s', () => {
    expect(service('ExecStop')).toBe(setting(daemonUnit, 'Service', 'ExecStop'));
    expect(service('KillMode')).toBe('control-group');
    const drain = Number(unit.get('Service')?.get('Environment')?.find((e) => e.startsWith('CONDUCTOR_WORKER_DRAIN_TIMEOUT='))?.split('=')[1]);
    expect(service('TimeoutStopSec')).toBe(`${drain + 15}s`);
  });

  it("is hardened exactly as the daemon's unit", () => {
    const hardening = ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'PrivateUsers', 'ProtectKernelTunables', 'ProtectControlGroups', 'ProtectProc', 'RestrictNamespaces', 'CapabilityBoundingSet', 'RestrictAddressFamilies', 'SystemCallFilter', 'SystemCallErrorNumber'];
    for (const key of hardening) expect(unit.get('Service')?.get(key), key).toEqual(daemonUnit.get('Service')?.get(key));
  });

  it('is what setup --worker installs by default (plus its generated header)', () => {
    const result = runSetup(['--worker', '--print-unit', '--mode', 'system', '--node', '/usr/bin/node']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const firstOwn = lines.findIndex((l) => !/^# (Generated|  |Re-run)/.test(l));
    expect(lines.slice(firstOwn).join('\n')).toBe(fs.readFileSync(shipped, 'utf8'));
  });
});

describe('setup --worker', () => {
  let root: string;
  let source: string;
  let home: string;
  let userHome: string;
  let stub: ReturnType<typeof makeStubSystemctl>;
  let env: Record<string, string | undefined>;
  const args = (...extra: string[]) => ['--worker', '--source', source, '--home', home, '--node', process.execPath, '--skip-build', ...extra];
  const envFile = () => path.join(userHome, '.config', 'symphony-conductor', 'worker.env');

  beforeEach(() => {
    root = tempDir('conductor-setup-worker-');
    userHome = path.join(root, 'user-home');
    fs.mkdirSync(userHome);
    source = makeFakeSource();
    home = path.join(root, 'worker-home');
    stub = makeStubSystemctl();
    env = { SETUP_ASSUME_NONROOT: '1', HOME: userHome, XDG_CONFIG_HOME: undefined, XDG_STATE_HOME: undefined, XDG_RUNTIME_DIR: undefined, TMPDIR: tempDir('conductor-scratch-'), PATH: `${stub.binDir}${path.delimiter}${process.env.PATH ?? ''}` };
  });

  it('with a user manager: writes the settings file (0600), installs and starts the worker unit, then changes nothing', () => {
    fs.writeFileSync(path.join(stub.stateDir, 'manager'), 'running\n');
    fs.mkdirSync(path.join(source, 'scripts'));
    fs.writeFileSync(path.join(source, 'scripts', 'hello.sh'), '#!/bin/sh\necho "hello from $(pwd)"\n', { mode: 0o755 });
    const result = runSetup(args('--redis', REDIS, '--queues', 'gpu,default', '--concurrency', '2', '--worker-name', 'gpu-1'), env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(envFile(), 'utf8')).toContain(`CONDUCTOR_REDIS_URL=${REDIS}\nCONDUCTOR_WORKER_QUEUES=gpu,default\nCONDUCTOR_WORKER_CONCURRENCY=2\nCONDUCTOR_WORKER_NAME=gpu-1\n`);
    expect((fs.statSync(envFile()).mode & 0o777).toString(8)).toBe('600');
    expect(fs.statSync(path.join(home, 'logs')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(home, 'config'))).toBe(false);
    // Its jobs' relative commands resolve against its home (scale-out.md): the shipped tasks'
    // ./scripts/... are found there as in the scheduler's home.
    expect(fs.readlinkSync(path.join(home, 'scripts'))).toBe(path.join(source, 'scripts'));
    expect(spawnSync('sh', ['-c', './scripts/hello.sh'], { cwd: home, encoding: 'utf8' }).stdout).toContain('hello from');
    const file = path.join(userHome, '.config', 'systemd', 'user', workerUnit);
    const installed = parseUnit(fs.readFileSync(file, 'utf8'));
    expect(setting(installed, 'Service', 'EnvironmentFile')).toBe(envFile());
    expect(setting(installed, 'Service', 'ExecStart')).toMatch(new RegExp(`^${process.execPath} ${source}/dist/cli/main.js worker --redis`));
    expect(verify(file, { user: true }).ours).toEqual([]);
    expect(stub.calls()).toContain(`--user start ${workerUnit}`);

    const before = snapshot(root);
    const again = runSetup(args(), env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing changed: everything was already in place.');
    expect(snapshot(root)).toEqual(before);
  });

  it('with --queue-prefix and --drain-timeout: writes them to the settings file and keeps TimeoutStopSec above the drain', () => {
    fs.writeFileSync(path.join(stub.stateDir, 'manager'), 'running\n');
    const result = runSetup(args('--redis', REDIS, '--queue-prefix', 'prod', '--drain-timeout', '120'), env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(envFile(), 'utf8')).toContain(`CONDUCTOR_REDIS_URL=${REDIS}\nCONDUCTOR_WORKER_PREFIX=prod\nCONDUCTOR_WORKER_DRAIN_TIMEOUT=120\n`);
    const file = path.join(userHome, '.config', 'systemd', 'user', workerUnit);
    const installed = parseUnit(fs.readFileSync(file, 'utf8'));
    expect(setting(installed, 'Service', 'TimeoutStopSec')).toBe('135s');
    expect(setting(installed, 'Service', 'ExecStart')).toContain('--prefix ${CONDUCTOR_WORKER_PREFIX}');
    expect(verify(file, { user: true }).ours).toEqual([]);

    // A later run without the flags keeps them (from the settings file), the stop timeout too.
    const before = snapshot(root);
    const again = runSetup(args(), env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing changed: everything was already in place.');
    expect(snapshot(root)).toEqual(before);
  });

  it('without a Redis URL yet: installs the unit but does not start it, and says why', () => {
    fs.writeFileSync(path.join(stub.stateDir, 'manager'), 'running\n');
    const result = runSetup(args(), env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no Redis URL yet');
    expect(fs.existsSync(envFile())).toBe(false);
    expect(stub.calls()).not.toContain(`--user start ${workerUnit}`);
  });

  it('without systemd: prints a foreground command that runs the worker', () => {
    const result = runSetup(args('--redis', REDIS, '--worker-name', 'w1', '--queue-prefix', 'prod', '--drain-timeout', '60'), env);
    expect(result.code).toBe(0);
    const line = result.stdout.split('\n').find((l) => l.includes('dist/cli/main.js worker'));
    expect(line, result.stdout).toBeDefined();
    const ran = spawnSync('sh', ['-c', (line ?? '').trim()], { encoding: 'utf8' });
    expect(JSON.parse(ran.stdout)).toEqual({ argv: ['worker', '--redis', REDIS, '--name', 'w1', '--prefix', 'prod', '--drain-timeout', '60'], home });
  });

  it('in system mode (dry run): the settings file goes to /etc, 0640 for the service group; nothing changes', () => {
    const before = snapshot(root);
    const result = runSetup(['--worker', '--dry-run', '--mode', 'system', '--source', source, '--prefix', path.join(root, 'opt'), '--home', home, '--user', `sc${process.pid}w`, '--node', process.execPath, '--redis', REDIS], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[dry-run] write /etc/symphony-conductor/worker.env (mode 0640)');
    expect(result.stdout).toContain(`[dry-run] chgrp sc${process.pid}w /etc/symphony-conductor/worker.env`);
    expect(result.stdout).toContain(`[dry-run] write /etc/systemd/system/${workerUnit} (mode 0644)`);
    expect(snapshot(root)).toEqual(before);
  });

  it.each([
    [['--redis', REDIS], '--redis, --queues, --concurrency, --worker-name, --queue-prefix and --drain-timeout go with --worker'],
    [['--drain-timeout', '10'], '--redis, --queues, --concurrency, --worker-name, --queue-prefix and --drain-timeout go with --worker'],
    [['--worker', '--queue-prefix', 'a:b'], "--queue-prefix must be letters, digits, . _ - (at most 100; the scheduler's settings.executor.prefix), not 'a:b'"],
    [['--worker', '--drain-timeout', '1.5'], "--drain-timeout must be whole seconds from 0 to 86400, not '1.5'"],
    [['--worker', '--drain-timeout', '86401'], "--drain-timeout must be whole seconds from 0 to 86400, not '86401'"],
    [['--worker', '--redis', 'http://x'], "--redis must be a redis:// or rediss:// URL, not 'http://x'"],
    [['--worker', '--queues', 'a b'], '--queues must be queue names separated by commas'],
    [['--worker', '--concurrency', '0'], "--concurrency must be a whole number from 1 to 999, not '0'"],
  ])('refuses %j', (flags, message) => {
    const result = runSetup(['--print-unit', ...flags], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });
});

/** ExecStart's command line as systemd runs it: Environment= first, the environment file over it, ${VAR} and %H expanded. */
function commandOf(rendered: Map<string, Map<string, string[]>>, envFileText: string): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const assign = (line: string) => {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1).replace(/%H/g, os.hostname());
  };
  for (const line of rendered.get('Service')?.get('Environment') ?? []) assign(line);
  for (const line of envFileText.split('\n')) if (line && !line.startsWith('#')) assign(line);
  const execStart = setting(rendered, 'Service', 'ExecStart') ?? '';
  const argv = execStart.split(' ').map((word) => word.replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? ''));
  return { argv, env };
}

describe('the installed worker, for a scheduler whose settings.executor.prefix is not the default', () => {
  it('serves that scheduler: the prefix reaches its command line from the settings file', async () => {
    const redis = await TestRedis.start();
    const workerHome = tempDir('conductor-installed-worker-');
    const children: ReturnType<typeof spawn>[] = [];
    try {
      // The settings file as setup --worker writes it, and the unit rendered for this checkout.
      const userHome = tempDir('conductor-setup-home-');
      const settings = runSetup(
        ['--worker', '--source', makeFakeSource(), '--home', path.join(userHome, 'h'), '--node', process.execPath, '--skip-build', '--no-systemd', '--redis', redis.url, '--worker-name', 'installed', '--queue-prefix', 'prod', '--drain-timeout', '5'],
        { SETUP_ASSUME_NONROOT: '1', HOME: userHome, XDG_CONFIG_HOME: undefined },
      );
      expect(settings.code, settings.stderr).toBe(0);
      const envFileText = fs.readFileSync(path.join(userHome, '.config', 'symphony-conductor', 'worker.env'), 'utf8');
      const rendered = runSetup(['--worker', '--print-unit', '--mode', 'system', '--prefix', repoRoot, '--home', workerHome, '--node', process.execPath]);
      expect(rendered.code).toBe(0);
      const { argv, env } = commandOf(parseUnit(rendered.stdout), envFileText);
      expect(argv).toContain('--drain-timeout');
      const worker = spawn(argv[0] as string, argv.slice(1), { cwd: workerHome, env: { ...process.env, ...env, CONDUCTOR_HOME: workerHome }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(worker);
      let said = '';
      worker.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
      await waitFor(() => said.includes('worker installed started'), 'the installed worker to start', 20_000);

      const home = makeHome({
        tasks: [{ name: 'served', command: 'echo "served by $CONDUCTOR_WORKER"' }],
        settings: { executor: { type: 'queue', redis_url: redis.url, prefix: 'prod' } },
      });
      const run = runCli(['run', '--task', 'served'], { home, timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(rows(home).at(-1)).toMatchObject({ status: 'success' });
      worker.kill('SIGTERM');
      expect((await exitOf(worker)).code).toBe(0);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await redis.stop();
    }
  }, 60_000);
});
