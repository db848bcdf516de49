// scripts/setup_symphony_conductor.sh, run in sandboxes: a fake built checkout, temporary
// prefix/home/XDG folders, and a stand-in systemctl on PATH. Nothing here touches /etc, /opt,
// /var/lib, the real systemd or the real users: the system mode is only ever run with --dry-run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  makeFakeSource,
  makeStubSystemctl,
  parseUnit,
  removeTempDirs,
  repoRoot,
  runSetup,
  securityScore,
  setting,
  setupScript,
  shippedUnit,
  snapshot,
  tempDir,
  unitName,
  verify,
} from './helpers.js';
import { runCli } from '../helpers/cli.js';

afterAll(removeTempDirs);

const NOTHING_CHANGED = 'Nothing changed: everything was already in place.';
const HOME_DIRS = ['', 'config', 'logs', 'logs/automation', 'status', 'status/automation_health'];

interface Sandbox {
  root: string; // everything the script may write goes under here
  source: string;
  home: string;
  userHome: string;
  stub: ReturnType<typeof makeStubSystemctl>;
  env: Record<string, string | undefined>;
}

/**
 * What a checkout ships besides the config sample: another file of config/ that the shipped
 * config names (its watch task's json_schema), and scripts/, which its tasks run as ./scripts/...
 * from the home.
 */
function addShippedFiles(source: string): void {
  fs.writeFileSync(path.join(source, 'config', 'intent.schema.json'), '{ "type": "object" }\n');
  fs.mkdirSync(path.join(source, 'scripts'));
  fs.writeFileSync(path.join(source, 'scripts', 'hello.sh'), '#!/bin/sh\necho "hello from $(pwd)"\n', { mode: 0o755 });
}

function makeSandbox(): Sandbox {
  const root = tempDir('conductor-setup-');
  const userHome = path.join(root, 'user-home');
  fs.mkdirSync(userHome);
  const stub = makeStubSystemctl();
  const scratch = tempDir('conductor-scratch-');
  const source = makeFakeSource();
  addShippedFiles(source);
  return {
    root,
    source,
    home: path.join(root, 'conductor-home'),
    userHome,
    stub,
    env: {
      SETUP_ASSUME_NONROOT: '1',
      HOME: userHome,
      XDG_CONFIG_HOME: undefined,
      XDG_STATE_HOME: undefined,
      XDG_RUNTIME_DIR: undefined,
      TMPDIR: scratch,
      PATH: `${stub.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  };
}

/** The arguments of a user-mode run in the sandbox. */
function userArgs(box: Sandbox, ...extra: string[]): string[] {
  return ['--source', box.source, '--home', box.home, '--node', process.execPath, '--skip-build', ...extra];
}

/** Runs the command the script printed for the foreground, and returns what the fake CLI saw. */
function runForegroundCommand(stdout: string): { argv: string[]; home: string } {
  const line = stdout.split('\n').find((l) => l.includes('dist/cli/main.js start'));
  expect(line, stdout).toBeDefined();
  const result = spawnSync('sh', ['-c', (line ?? '').trim()], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { argv: string[]; home: string };
}

function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});

describe('--help and bad arguments', () => {
  it('prints the usage with every option and exits 0', () => {
    const result = runSetup(['--help']);
    expect(result.code).toBe(0);
    for (const word of ['--dry-run', '--prefix', '--home', '--user', '--node', '--mode', '--skip-build', '--no-systemd', '--no-start', '--print-unit', 'SETUP_ASSUME_NONROOT']) {
      expect(result.stdout).toContain(word);
    }
  });

  it('refuses an unknown option with exit 1', () => {
    const result = runSetup(['--frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown option: --frobnicate/);
  });

  it('refuses a path systemd would need escaped', () => {
    const result = runSetup(userArgs(box, '--home', path.join(box.root, 'a home')), box.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--home must not contain spaces/);
  });

  it('refuses system mode without root unless it is a dry run', () => {
    const result = runSetup(userArgs(box, '--mode', 'system'), box.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/system mode needs root/);
  });
});

describe('when Node is missing or too old', () => {
  it('says what it needs, and does not download Node', () => {
    const missing = runSetup(userArgs(box, '--node', path.join(box.root, 'no-such-node')), box.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Node\.js >= 20/);
    expect(missing.stderr).toMatch(/does not download Node/);

    const old = path.join(box.root, 'old-node');
    fs.writeFileSync(old, '#!/bin/sh\necho 18.19.1\n', { mode: 0o755 });
    const tooOld = runSetup(userArgs(box, '--node', old), box.env);
    expect(tooOld.code).toBe(1);
    expect(tooOld.stderr).toMatch(/Node\.js 18\.19\.1 .* is too old: symphony-conductor needs >= 20/);
    expect(fs.existsSync(box.home)).toBe(false);
  });
});

/** A stand-in node 20 in its own folder, with (or without) a stand-in npm next to it that says when it runs. */
function fakeNodeDir(withNpm: boolean): string {
  const dir = path.join(box.root, withNpm ? 'node-with-npm' : 'node-alone');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'node'), '#!/bin/sh\necho 20.11.1\n', { mode: 0o755 });
  if (withNpm) {
    fs.writeFileSync(
      path.join(dir, 'npm'),
      '#!/bin/sh\n[ "$1" = --version ] && { echo 10.9.0; exit 0; }\necho "fake npm ran: $*"; exit 1\n',
      { mode: 0o755 },
    );
  }
  return dir;
}

/** A folder of links to every command on PATH but the named ones: a PATH without them. */
function pathWithout(...names: string[]): string {
  const farm = path.join(box.root, 'path-without');
  fs.mkdirSync(farm);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (names.includes(name) || fs.existsSync(path.join(farm, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(farm, name));
    }
  }
  return farm;
}

describe('npm and the build', () => {
  it('says where npm comes from when it is missing, Debian included', () => {
    const result = runSetup(
      ['--source', box.source, '--home', box.home, '--node', path.join(fakeNodeDir(false), 'node')],
      { ...box.env, PATH: pathWithout('npm', 'npx') },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm is not installed next to \S+ nor on PATH/);
    expect(result.stderr).toMatch(/npm is a separate package there: apt-get install npm/);
    expect(result.stderr).toMatch(/--skip-build/);
    expect(fs.existsSync(box.home)).toBe(false);
  });

  it('says plainly that a checkout this user cannot write needs --skip-build, and runs no npm', () => {
    // The checkout's own copy of the script is what a user runs (its --source is its checkout).
    fs.mkdirSync(path.join(box.source, 'scripts'), { recursive: true });
    fs.mkdirSync(path.join(box.source, 'systemd'));
    fs.copyFileSync(setupScript, path.join(box.source, 'scripts', 'setup_symphony_conductor.sh'));
    fs.copyFileSync(shippedUnit, path.join(box.source, 'systemd', unitName));
    const node = path.join(fakeNodeDir(true), 'node');
    const args = [path.join(box.source, 'scripts', 'setup_symphony_conductor.sh'), '--home', box.home, '--node', node, '--no-systemd'];
    const env = { HOME: box.userHome, PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: box.root };
    let result;
    let user: string;
    if (process.getuid?.() === 0) {
      // Root writes anything: the user is nobody, the checkout root's (0755). nobody needs to
      // pass through the test folders (o+x) and to write the user home it is given.
      user = 'nobody';
      const tmp = process.env.TMPDIR ?? path.dirname(box.root);
      const tmpMode = fs.statSync(tmp).mode & 0o7777;
      fs.chmodSync(tmp, tmpMode | 0o001);
      try {
        for (const dir of [box.root, box.source]) fs.chmodSync(dir, 0o755);
        fs.chownSync(box.userHome, 65534, 65534);
        const envArgs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
        result = spawnSync('runuser', ['-u', user, '--', 'env', '-i', ...envArgs, 'bash', ...args], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      } finally {
        fs.chmodSync(tmp, tmpMode);
      }
    } else {
      user = os.userInfo().username;
      fs.chmodSync(box.source, 0o555);
      try {
        result = spawnSync('bash', args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
      } finally {
        fs.chmodSync(box.source, 0o755);
      }
    }
    expect(result.error).toBeUndefined();
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain(`error: the checkout ${box.source} is not writable by ${user}`);
    expect(result.stderr).toContain('use --skip-build, or run it from your own checkout');
    expect(result.stdout).not.toContain('fake npm ran');
    expect(fs.existsSync(box.home)).toBe(false);
  });
});

describe('--dry-run', () => {
  it('in user mode prints every step and changes nothing', () => {
    fs.writeFileSync(path.join(box.stub.stateDir, 'manager'), 'running\n');
    const before = snapshot(box.root);
    const result = runSetup(userArgs(box, '--dry-run'), box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    for (const dir of HOME_DIRS) {
      expect(out).toContain(`[dry-run] install -d -m 0750 -- ${path.join(box.home, dir)}\n`);
    }
    expect(out).toContain(`[dry-run] install -m 0640 -- ${box.source}/config/conductor_config.example.json ${box.home}/config/conductor_config.json`);
    expect(out).toContain(`[dry-run] install -m 0640 -- ${box.source}/config/intent.schema.json ${box.home}/config/intent.schema.json\n`);
    expect(out).toContain(`[dry-run] ln -s -- ${box.source}/scripts ${box.home}/scripts\n`);
    expect(out).toContain(`[dry-run] write ${box.userHome}/.config/systemd/user/${unitName} (mode 0644)`);
    expect(out).toContain('[dry-run] systemctl --user daemon-reload');
    expect(out).toContain(`[dry-run] systemctl --user enable ${unitName}`);
    expect(out).toContain(`[dry-run] systemctl --user start ${unitName}`);
    expect(out).toMatch(/\[dry-run\] \d+ step\(s\) would change something; nothing was changed\./);
    expect(snapshot(box.root)).toEqual(before);
    // Only questions were asked of systemctl.
    expect(box.stub.calls().filter((call) => !/is-system-running|is-enabled|is-active/.test(call))).toEqual([]);
  });

  it('in system mode prints the npm, copy, user, folder, unit and systemctl steps and changes nothing', () => {
    const user = `sc${process.pid}x`;
    const prefix = path.join(box.root, 'opt');
    const home = path.join(box.root, 'var-lib-home');
    const etcUnit = `/etc/systemd/system/${unitName}`;
    const etcBefore = fs.existsSync(etcUnit);
    const before = snapshot(box.root);
    const sourceBefore = snapshot(box.source);
    const result = runSetup(
      ['--dry-run', '--mode', 'system', '--source', box.source, '--prefix', prefix, '--home', home, '--user', user, '--node', process.execPath],
      box.env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/\[dry-run\] env -C \S+ \S*npm ci --no-audit --no-fund\n/);
    expect(out).toMatch(/\[dry-run\] env -C \S+ \S*npm run build\n/);
    expect(out).toContain(`[dry-run] install -d -m 0755 ${prefix}`);
    expect(out).toContain(`[dry-run] cp -R --preserve=mode,timestamps -- ${box.source}/dist ${prefix}/dist.setup-new`);
    expect(out).toContain(`[dry-run] install -m 0644 -- ${box.source}/package.json ${prefix}/package.json`);
    expect(out).toMatch(/npm ci --no-audit --no-fund --omit=dev\n/);
    expect(out).toContain(`[dry-run] useradd --system --user-group --home-dir ${home} --no-create-home --shell /usr/sbin/nologin`);
    for (const dir of HOME_DIRS) {
      expect(out).toContain(`[dry-run] install -d -o ${user} -g ${user} -m 0750 -- ${path.join(home, dir)}\n`);
    }
    // The config's other files go to the home; its scripts link to the prefix's copy.
    expect(out).toContain(`[dry-run] install -o ${user} -g ${user} -m 0640 -- ${box.source}/config/intent.schema.json ${home}/config/intent.schema.json\n`);
    expect(out).toContain(`[dry-run] ln -s -- ${prefix}/scripts ${home}/scripts\n`);
    expect(out).toContain(`[dry-run] write ${etcUnit} (mode 0644)`);
    expect(out).toContain(`[dry-run] systemctl enable ${unitName}`);
    expect(snapshot(box.root)).toEqual(before);
    expect(snapshot(box.source)).toEqual(sourceBefore);
    expect(fs.existsSync(etcUnit)).toBe(etcBefore);
    expect(spawnSync('getent', ['passwd', user]).status).not.toBe(0);
  });
});

describe('without a systemd manager (as in a container)', () => {
  it('creates the home folders, says why nothing was started, and prints a foreground command that works', () => {
    const result = runSetup(userArgs(box), box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const dir of HOME_DIRS) {
      expect(fs.statSync(path.join(box.home, dir)).isDirectory()).toBe(true);
      expect(mode(path.join(box.home, dir))).toBe('750');
    }
    const config = path.join(box.home, 'config', 'conductor_config.json');
    expect(fs.readFileSync(config, 'utf8')).toBe('{ "tasks": [] }\n');
    expect(mode(config)).toBe('640');
    const intentSchema = path.join(box.home, 'config', 'intent.schema.json');
    expect(fs.readFileSync(intentSchema, 'utf8')).toBe('{ "type": "object" }\n');
    expect(mode(intentSchema)).toBe('640');
    // A task's ./scripts/... command, run from the home as the daemon runs it, is found.
    expect(fs.readlinkSync(path.join(box.home, 'scripts'))).toBe(path.join(box.source, 'scripts'));
    const task = spawnSync('sh', ['-c', './scripts/hello.sh'], { cwd: box.home, encoding: 'utf8' });
    expect(task.status, task.stderr).toBe(0);
    expect(task.stdout).toBe(`hello from ${box.home}\n`);
    expect(result.stdout).toContain('No user systemd manager runs here, so nothing was installed into systemd and nothing was started');
    expect(result.stdout).toContain(`CONDUCTOR_HOME=${box.home} ${process.execPath} ${box.source}/dist/cli/main.js start`);
    expect(fs.existsSync(path.join(box.userHome, '.config'))).toBe(false);
    expect(runForegroundCommand(result.stdout)).toEqual({ argv: ['start'], home: box.home });
  });

  it('changes nothing when run a second time, and keeps the config it finds', () => {
    expect(runSetup(userArgs(box), box.env).code).toBe(0);
    const config = path.join(box.home, 'config', 'conductor_config.json');
    fs.writeFileSync(config, '{ "tasks": [ "mine" ] }\n');
    const before = snapshot(box.root);
    const again = runSetup(userArgs(box), box.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(NOTHING_CHANGED);
    expect(again.stdout).not.toMatch(/^ {4}\+ /m);
    expect(snapshot(box.root)).toEqual(before);
    expect(fs.readFileSync(config, 'utf8')).toBe('{ "tasks": [ "mine" ] }\n');
    const dry = runSetup(userArgs(box, '--dry-run'), box.env);
    expect(dry.stdout).toContain('[dry-run] 0 step(s) would change something');
  });

  it('repairs a folder whose mode drifted', () => {
    expect(runSetup(userArgs(box), box.env).code).toBe(0);
    fs.chmodSync(path.join(box.home, 'logs'), 0o777);
    const again = runSetup(userArgs(box), box.env);
    expect(again.stdout).toContain(`+ install -d -m 0750 -- ${box.home}/logs\n`);
    expect(again.stdout).toContain('Done: 1 change(s).');
    expect(mode(path.join(box.home, 'logs'))).toBe('750');
  });
});

describe('--no-systemd', () => {
  it('installs no unit and calls no systemctl, even where a manager runs', () => {
    fs.writeFileSync(path.join(box.stub.stateDir, 'manager'), 'running\n');
    const result = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--no-systemd: nothing was started.');
    expect(result.stdout).toContain(`CONDUCTOR_HOME=${box.home} ${process.execPath} ${box.source}/dist/cli/main.js start`);
    expect(box.stub.calls()).toEqual([]);
    expect(fs.existsSync(path.join(box.userHome, '.config'))).toBe(false);
  });
});

describe('with a user systemd manager running', () => {
  beforeEach(() => {
    fs.writeFileSync(path.join(box.stub.stateDir, 'manager'), 'running\n');
  });

  it('installs a user unit without the system-only directives, then reloads, enables and starts it', () => {
    const result = runSetup(userArgs(box), box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const file = path.join(box.userHome, '.config', 'systemd', 'user', unitName);
    const unit = parseUnit(fs.readFileSync(file, 'utf8'));
    const service = unit.get('Service');
    expect(setting(unit, 'Service', 'ExecStart')).toBe(`${process.execPath} ${box.source}/dist/cli/main.js start`);
    expect(service?.get('Environment')).toContain(`CONDUCTOR_HOME=${box.home}`);
    expect(setting(unit, 'Service', 'Restart')).toBe('on-failure');
    expect(setting(unit, 'Service', 'KillMode')).toBe('control-group');
    expect(setting(unit, 'Service', 'NoNewPrivileges')).toBe('yes');
    for (const key of ['User', 'Group', 'ProtectSystem', 'ProtectHome', 'PrivateUsers', 'CapabilityBoundingSet', 'StateDirectory', 'ReadWritePaths']) {
      expect(service?.has(key), key).toBe(false);
    }
    expect(setting(unit, 'Install', 'WantedBy')).toBe('default.target');
    expect(verify(file, { user: true }).ours).toEqual([]);
    expect(box.stub.calls()).toEqual([
      '--user is-system-running',
      '--user daemon-reload',
      `--user is-enabled ${unitName}`,
      `--user enable ${unitName}`,
      `--user is-active ${unitName}`,
      `--user start ${unitName}`,
      `--user is-active ${unitName}`,
    ]);
  });

  it('changes nothing the second time, and rewrites a unit that drifted, then restarts the service', () => {
    expect(runSetup(userArgs(box), box.env).code).toBe(0);
    const first = box.stub.calls().length;
    const before = snapshot(box.root);
    const again = runSetup(userArgs(box), box.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(NOTHING_CHANGED);
    expect(snapshot(box.root)).toEqual(before);
    expect(box.stub.calls().slice(first).filter((call) => !/is-system-running|is-enabled|is-active/.test(call))).toEqual([]);

    const file = path.join(box.userHome, '.config', 'systemd', 'user', unitName);
    fs.appendFileSync(file, 'Nice=5\n');
    const mark = box.stub.calls().length;
    const repaired = runSetup(userArgs(box), box.env);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`${file} differs:`);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('Nice=5');
    expect(box.stub.calls().slice(mark).filter((call) => !/is-system-running|is-enabled|is-active/.test(call))).toEqual([
      '--user daemon-reload',
      `--user restart ${unitName}`,
    ]);
  });

  it('does not start a daemon that has no config yet', () => {
    fs.rmSync(path.join(box.source, 'config'), { recursive: true });
    const result = runSetup(userArgs(box), box.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/not started: there is no config yet/);
    expect(box.stub.calls()).toContain(`--user enable ${unitName}`);
    expect(box.stub.calls()).not.toContain(`--user start ${unitName}`);
  });
});

describe("the unit's PATH, on which the shipped tasks' scripts find `node`", () => {
  // systemd's default PATH (a user manager's is alike): what the service and its tasks get.
  const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const UNITS = [
    { flags: [] as string[], name: unitName },
    { flags: ['--worker'], name: 'symphony-conductor-worker.service' },
  ];

  function printUnit(node: string, ...flags: string[]): string {
    const result = runSetup(['--print-unit', '--mode', 'system', '--node', node, ...flags], box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  }
  const pathLines = (text: string) => (parseUnit(text).get('Service')?.get('Environment') ?? []).filter((v) => v.startsWith('PATH='));

  it('gets no PATH line when node is in a folder of the default PATH: the unit is as before', () => {
    for (const { flags } of UNITS) {
      const usrBin = printUnit('/usr/bin/node', ...flags);
      expect(pathLines(usrBin)).toEqual([]);
      for (const dir of DEFAULT_PATH.split(':')) {
        const expected = usrBin.replace(' node=/usr/bin/node\n', ` node=${dir}/node\n`).replace('\nExecStart=/usr/bin/node ', `\nExecStart=${dir}/node `);
        expect(printUnit(`${dir}/node`, ...flags)).toBe(expected);
      }
      // A folder off that list does get one (so the checks above check).
      expect(pathLines(printUnit('/usr/lib/nodejs20/bin/node', ...flags))).toEqual([`PATH=/usr/lib/nodejs20/bin:${DEFAULT_PATH}`]);
    }
  });

  it("puts node's folder first when it is elsewhere, in both units; systemd accepts them, exposure unchanged", () => {
    const nodeDir = path.join(box.root, 'opt', 'node', 'bin');
    fs.mkdirSync(nodeDir, { recursive: true });
    fs.writeFileSync(path.join(nodeDir, 'node'), '#!/bin/sh\necho 20.11.1\n', { mode: 0o755 });
    for (const { flags, name } of UNITS) {
      const text = printUnit(path.join(nodeDir, 'node'), '--prefix', repoRoot, '--home', box.home, ...flags);
      const environment = parseUnit(text).get('Service')?.get('Environment') ?? [];
      // One PATH line, next to (before) the unit's other Environment= lines.
      expect(environment[0], name).toBe(`PATH=${nodeDir}:${DEFAULT_PATH}`);
      expect(pathLines(text)).toHaveLength(1);
      expect(environment.slice(1)).toContain(`CONDUCTOR_HOME=${box.home}`);
      const scratch = tempDir('conductor-unit-path-');
      const file = path.join(scratch, name);
      fs.writeFileSync(file, text);
      expect(verify(file).ours).toEqual([]);
      const without = path.join(tempDir('conductor-unit-nopath-'), name);
      fs.writeFileSync(without, text.split('\n').filter((line) => !line.startsWith('Environment=PATH=')).join('\n'));
      expect(securityScore(file).score).toBe(securityScore(without).score);
    }
  });

  it('in user mode with an nvm node, installs a unit whose PATH finds that node before any other', () => {
    fs.writeFileSync(path.join(box.stub.stateDir, 'manager'), 'running\n');
    const nodeDir = path.join(box.userHome, '.nvm', 'versions', 'node', 'v20.11.1', 'bin');
    fs.mkdirSync(nodeDir, { recursive: true });
    fs.writeFileSync(path.join(nodeDir, 'node'), '#!/bin/sh\necho 20.11.1\n', { mode: 0o755 });
    const result = runSetup(['--source', box.source, '--home', box.home, '--node', path.join(nodeDir, 'node'), '--skip-build'], box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const file = path.join(box.userHome, '.config', 'systemd', 'user', unitName);
    const text = fs.readFileSync(file, 'utf8');
    expect(pathLines(text)).toEqual([`PATH=${nodeDir}:${DEFAULT_PATH}`]);
    expect(verify(file, { user: true }).ours).toEqual([]);
    // What a task's `exec node ...` runs under that PATH: the unit's node, not /usr/bin's.
    const found = spawnSync('/bin/sh', ['-c', 'command -v node'], { encoding: 'utf8', env: { PATH: pathLines(text)[0]?.slice('PATH='.length) ?? '' } });
    expect(found.stdout.trim()).toBe(path.join(nodeDir, 'node'));
  });
});

describe('with a prefix apart from the checkout', () => {
  it('copies the built code there, and copies again only what changed', () => {
    const prefix = path.join(box.root, 'prefix');
    const args = userArgs(box, '--prefix', prefix, '--no-systemd');
    const result = runSetup(args, box.env);
    expect(result.code).toBe(0);
    // --skip-build runs no npm, so it warns that the prefix has no node_modules.
    expect(result.stderr).toMatch(/node_modules is missing/);
    for (const file of ['dist/cli/main.js', 'package.json', 'package-lock.json', 'config/conductor_config.example.json']) {
      expect(fs.readFileSync(path.join(prefix, file), 'utf8')).toBe(fs.readFileSync(path.join(box.source, file), 'utf8'));
    }
    expect(runForegroundCommand(result.stdout)).toEqual({ argv: ['start'], home: box.home });
    expect(result.stdout).toContain(`${prefix}/dist/cli/main.js start`);
    // The home's scripts/ is the prefix's, which the daemon runs, not the checkout's.
    expect(fs.readlinkSync(path.join(box.home, 'scripts'))).toBe(path.join(prefix, 'scripts'));
    expect(fs.readFileSync(path.join(prefix, 'scripts', 'hello.sh'), 'utf8')).toContain('hello from');

    const before = snapshot(box.root);
    expect(runSetup(args, box.env).stdout).toContain(NOTHING_CHANGED);
    expect(snapshot(box.root)).toEqual(before);

    fs.writeFileSync(path.join(box.source, 'dist', 'cli', 'extra.js'), 'export {};\n');
    const third = runSetup(args, box.env);
    expect(third.stdout).toContain(`+ mv -- ${prefix}/dist.setup-new ${prefix}/dist`);
    expect(third.stdout).toContain('ok: package.json is up to date');
    expect(fs.existsSync(path.join(prefix, 'dist', 'cli', 'extra.js'))).toBe(true);
  });
});

describe('the home holds what the shipped config uses', () => {
  it('keeps a config file the operator changed, and writes back one that is missing', () => {
    expect(runSetup(userArgs(box, '--no-systemd'), box.env).code).toBe(0);
    const intentSchema = path.join(box.home, 'config', 'intent.schema.json');
    fs.writeFileSync(intentSchema, '{ "type": "object", "required": ["mine"] }\n');
    fs.writeFileSync(path.join(box.source, 'config', 'intent.schema.json'), '{ "type": "object", "title": "newer" }\n');
    const again = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`ok: ${intentSchema}\n`);
    expect(fs.readFileSync(intentSchema, 'utf8')).toBe('{ "type": "object", "required": ["mine"] }\n');

    fs.rmSync(intentSchema);
    const third = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(third.stdout).toContain(`+ install -m 0640 -- ${box.source}/config/intent.schema.json ${intentSchema}\n`);
    expect(fs.readFileSync(intentSchema, 'utf8')).toBe('{ "type": "object", "title": "newer" }\n');
  });

  it('leaves a scripts/ of the operator alone, and says so', () => {
    fs.mkdirSync(path.join(box.home, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(box.home, 'scripts', 'mine.sh'), 'echo mine\n');
    const result = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`note: ${box.home}/scripts is not a link to ${box.source}/scripts: left as it is`);
    expect(fs.lstatSync(path.join(box.home, 'scripts')).isDirectory()).toBe(true);
    expect(fs.readdirSync(path.join(box.home, 'scripts'))).toEqual(['mine.sh']);

    // A link to a folder of the operator's (not an installed scripts/) is theirs too.
    const theirs = path.join(box.root, 'their-tools');
    fs.mkdirSync(theirs);
    fs.rmSync(path.join(box.home, 'scripts'), { recursive: true });
    fs.symlinkSync(theirs, path.join(box.home, 'scripts'));
    const linked = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(linked.stdout).toContain(`note: ${box.home}/scripts is not a link to ${box.source}/scripts: left as it is`);
    expect(fs.readlinkSync(path.join(box.home, 'scripts'))).toBe(theirs);
  });

  it('moves the link of an earlier install (another prefix) to this one', () => {
    fs.mkdirSync(box.home, { recursive: true });
    const old = path.join(box.root, 'old-prefix', 'scripts'); // gone since
    fs.symlinkSync(old, path.join(box.home, 'scripts'));
    const result = runSetup(userArgs(box, '--no-systemd'), box.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`+ ln -sfn -- ${box.source}/scripts ${box.home}/scripts\n`);
    expect(fs.readlinkSync(path.join(box.home, 'scripts'))).toBe(path.join(box.source, 'scripts'));
  });

  it('installs a home where the real checkout\'s shipped config is valid and its tasks are found', () => {
    // The repository itself, built (dist/), with --skip-build: nothing is written into it.
    const result = runSetup(['--source', repoRoot, '--home', box.home, '--node', process.execPath, '--skip-build', '--no-systemd'], box.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const validate = runCli(['validate'], { home: box.home });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/conductor_config\.json: valid, \d+ tasks/);
    const doctor = runCli(['doctor', '--json'], { home: box.home });
    const findings = JSON.parse(doctor.stdout) as { check: string; status: string; message: string }[];
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(findings.find((f) => f.check === 'commands')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^the programs of \d+ task commands are found$/) });
    // A shipped task runs its ./scripts/... wrapper from the home (not "not found", exit 127).
    const run = runCli(['run', '--task', 'inventory_scan'], { home: box.home });
    expect(run.stdout + run.stderr).not.toMatch(/not found/);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fs.existsSync(path.join(box.home, 'cleanup_inventory.json'))).toBe(true);
  });
});
