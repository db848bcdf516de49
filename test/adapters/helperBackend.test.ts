import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecaBackend } from '../../src/adapters/process/execaBackend.js';
import { createHelperBackend } from '../../src/adapters/process/helperBackend.js';
import { groupHasLiveMember, processStartTicks } from '../../src/adapters/process/procfs.js';
import type { ProcessSpec, SpawnBackend } from '../../src/adapters/process/spawnBackend.js';
import { buildSpawnHelper, helperBinary, helperPids } from '../helpers/spawnHelper.js';
import { exitOf, processAlive, waitFor } from '../helpers/wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = helperBinary;
const dirs: string[] = [];
const groups: number[] = []; // process groups a test may leave behind on failure

function tempDir(name = 'helper-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), name)));
  dirs.push(dir);
  return dir;
}

function spec(command: string, more: Partial<ProcessSpec> = {}): ProcessSpec {
  // The helper opens outputPath itself; outputFd is what the engine also holds (unused here).
  return { command, cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, outputFd: -1, outputPath: '/dev/null', ...more };
}

function groupMembers(pgid: number): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z' ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** The adapter compiled on its own (type-only imports vanish), for scripts that run in plain Node. */
function transpiledAdapter(): string {
  const dir = tempDir('helper-js-');
  // The adapter and what it imports (/proc reads, the surrogateescape encoding of environment bytes, the writer's error code).
  for (const name of ['adapters/process/helperBackend', 'adapters/process/procfs', 'adapters/readText', 'adapters/atomicWrite', 'core/bytes/surrogateEscape']) {
    const source = fs.readFileSync(path.join(root, 'src', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.js`), outputText);
  }
  return path.join(dir, 'adapters', 'process', 'helperBackend.js');
}

/** Runs `body` in plain Node, with createHelperBackend imported from the transpiled adapter and the helper's path as argv[2]. */
function runWithAdapter(body: string) {
  const adapter = transpiledAdapter();
  const script = path.join(path.dirname(adapter), 'script.mjs');
  fs.writeFileSync(script, `import { createHelperBackend } from ${JSON.stringify(adapter)};\n${body}\n`);
  return spawnSync(process.execPath, [script, binary], { encoding: 'utf8', timeout: 10_000 });
}

let executor: SpawnBackend;

beforeAll(() => {
  buildSpawnHelper();
  const created = createHelperBackend(binary);
  if (!created) throw new Error(`createHelperBackend(${binary}) returned null`);
  executor = created;
});

afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the spawn helper back end', () => {
  it('is null without a helper binary', () => {
    expect(createHelperBackend(path.join(tempDir(), 'missing'))).toBeNull();
  });

  it('appends stdout and stderr to the output file, after the header the engine wrote', async () => {
    const log = path.join(tempDir(), 'task.log');
    const fd = fs.openSync(log, 'a', 0o644);
    fs.writeSync(fd, '=== header\n');
    const run = executor.start(spec('echo hi; echo err >&2', { outputFd: fd, outputPath: log }));
    expect(run.pid).toBe(-1); // known once the helper has replied
    await run.ready;
    expect(run.pid).toBeGreaterThan(0);
    expect(await run.exited).toEqual({ exitCode: 0, signal: null, startError: null });
    fs.closeSync(fd);
    expect(fs.readFileSync(log, 'utf8')).toBe('=== header\nhi\nerr\n');
  });

  it('reports exit codes and death by a signal', async () => {
    expect(await executor.start(spec('exit 0')).exited).toEqual({ exitCode: 0, signal: null, startError: null });
    expect(await executor.start(spec('exit 3')).exited).toEqual({ exitCode: 3, signal: null, startError: null });
    expect(await executor.start(spec('kill -TERM $$')).exited).toEqual({ exitCode: null, signal: 'SIGTERM', startError: null });
  });

  it('runs the command as the leader of its own process group, which signalGroup stops whole', async () => {
    const run = executor.start(spec('sleep 30 & wait'));
    await run.ready;
    groups.push(run.pid);
    expect(run.startTicks).toBe(processStartTicks(run.pid));
    const members = await waitFor(() => {
      const found = groupMembers(run.pid);
      return found.length >= 2 && found;
    }, 'the sleep to join the group');
    expect(members).toContain(run.pid);
    expect(run.groupAlive()).toBe(true);
    expect(run.signalGroup('SIGTERM')).toBe(true);
    expect(await run.exited).toEqual({ exitCode: null, signal: 'SIGTERM', startError: null });
    await waitFor(() => !groupHasLiveMember(run.pid), 'the whole group to end');
    expect(members.every((pid) => !processAlive(pid))).toBe(true);
    expect(run.groupAlive()).toBe(false);
  });

  it('reports a missing working directory as a start error, and a missing command as exit 127', async () => {
    const cwd = path.join(tempDir(), 'gone');
    const run = executor.start(spec('touch here', { cwd }));
    await run.ready;
    expect(run.pid).toBe(-1);
    const exit = await run.exited;
    expect(exit.exitCode).toBeNull();
    expect(exit.startError).toBe(`cannot start the command: working directory ${cwd}: No such file or directory`);
    expect(fs.existsSync(cwd)).toBe(false);

    const log = path.join(tempDir(), 'out.log');
    expect(await executor.start(spec('no-such-command-xyz', { outputPath: log })).exited).toEqual({ exitCode: 127, signal: null, startError: null });
    expect(fs.readFileSync(log, 'utf8')).toMatch(/no-such-command-xyz: not found/);
  });

  it('refuses a spec without outputPath, or with a NUL byte', async () => {
    expect((await executor.start({ ...spec('true'), outputPath: undefined }).exited).startError).toMatch(/outputPath/);
    expect((await executor.start(spec('echo a\0b')).exited).startError).toMatch(/NUL byte/);
    expect((await executor.start(spec('true', { cwd: '/tmp\0x' })).exited).startError).toMatch(/NUL byte/);
    expect((await executor.start(spec('true', { env: { PATH: '/bin', A: 'x\0y' } })).exited).startError).toMatch(/NUL byte/);
    expect((await executor.start(spec('true', { env: { 'A\0B': 'c' } })).exited).startError).toMatch(/NUL byte/);
    // The helper is still there for the next run.
    expect(await executor.start(spec('exit 4')).exited).toEqual({ exitCode: 4, signal: null, startError: null });
  });

  it("sets the run's variables on top of the conductor's environment, and passes any bytes in the command, cwd and output path", async () => {
    const dir = tempDir();
    const cwd = path.join(dir, 'a dir\nwith a newline, "quotes" and é');
    fs.mkdirSync(cwd);
    const log = path.join(cwd, 'out\n.log');
    // PATH is the conductor's too: the run's value replaces it where it stood, once.
    const path_ = `/bin:/usr/bin:/nowhere-${process.pid}`;
    const env = { MULTI: 'line one\nline two', UTF8: 'héllo ✓ 日本', EMPTY: '', 'WITH=EQUALS': 'x=y', TAB: '\t', PATH: path_ };
    expect(await executor.start(spec("cat /proc/$$/environ; printf '%s\\n' 'a\nb'", { env, outputPath: log, cwd })).exited).toMatchObject({ exitCode: 0 });
    const inherited = Object.entries(process.env).filter(([key]) => key !== 'PATH' && key !== 'WITH');
    expect(inherited.length).toBeGreaterThan(0);
    const expected = [...inherited, ...Object.entries(env)].map(([key, value]) => `${key}=${value}\0`).join('');
    expect(fs.readFileSync(log, 'utf8')).toBe(`${expected}a\nb\n`);
    fs.rmSync(log);
    expect(await executor.start(spec('pwd', { outputPath: log, cwd })).exited).toMatchObject({ exitCode: 0 });
    expect(fs.readFileSync(log, 'utf8')).toBe(`${cwd}\n`);
  });

  it('reports the pid and start time of each of 100 processes asked for at once', async () => {
    // The helper reads the requests in batches and answers each batch (32 at most) in one write.
    const runs = Array.from({ length: 100 }, (_, i) => executor.start(spec(`exit ${i % 7}`)));
    await Promise.all(runs.map((run) => run.ready));
    const pids = runs.map((run) => run.pid);
    expect(pids.every((pid) => pid > 0)).toBe(true);
    expect(new Set(pids).size).toBe(100);
    expect(runs.every((run) => typeof run.startTicks === 'number' && run.startTicks > 0)).toBe(true);
    const exits = await Promise.all(runs.map((run) => run.exited));
    expect(exits.map((exit) => exit.exitCode)).toEqual(Array.from({ length: 100 }, (_, i) => i % 7));
  });

  it('starts 200 processes in sequence (ms per spawn printed, against child_process.spawn and execa)', async () => {
    const n = 200;
    await executor.start(spec('true')).exited; // the helper is up
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      const exit = await executor.start(spec('true')).exited;
      if (exit.exitCode !== 0) throw new Error(`run ${i}: ${JSON.stringify(exit)}`);
    }
    const helperMs = (performance.now() - t) / n;

    const devNull = fs.openSync('/dev/null', 'a');
    t = performance.now();
    for (let i = 0; i < n; i++) {
      const child = spawn('/bin/sh', ['-c', 'true'], { stdio: ['ignore', devNull, devNull], detached: true, env: {} });
      const exit = await exitOf(child);
      if (exit.code !== 0) throw new Error(`spawn ${i}: ${JSON.stringify(exit)}`);
    }
    const nodeMs = (performance.now() - t) / n;

    const execa = createExecaBackend();
    t = performance.now();
    for (let i = 0; i < n; i++) await execa.start(spec('true', { outputFd: devNull })).exited;
    const execaMs = (performance.now() - t) / n;
    fs.closeSync(devNull);
    console.log(
      `/bin/sh -c true, ${n} sequential: spawn helper ${helperMs.toFixed(2)} ms/op, ` +
        `child_process.spawn ${nodeMs.toFixed(2)} ms/op, execa executor ${execaMs.toFixed(2)} ms/op`,
    );
  });

  it('reports every one of 50 concurrent runs', async () => {
    const runs = Array.from({ length: 50 }, (_, i) => executor.start(spec(`sleep 0.1; exit ${i % 7}`)));
    await Promise.all(runs.map((run) => run.ready));
    expect(new Set(runs.map((run) => run.pid)).size).toBe(50);
    const exits = await Promise.all(runs.map((run) => run.exited));
    expect(exits.map((exit) => exit.exitCode)).toEqual(runs.map((_, i) => i % 7));
  });

  it('settles runs in flight with a start error when the helper dies, and restarts it for the next run', async () => {
    const own = createHelperBackend(binary)!;
    const before = new Set(helperPids());
    const running = own.start(spec('sleep 30'));
    await running.ready;
    groups.push(running.pid);
    const [helper] = helperPids().filter((pid) => !before.has(pid));
    expect(helper).toBeGreaterThan(0);
    process.kill(helper!, 'SIGSTOP'); // this request is written but never answered
    const unanswered = own.start(spec('true'));
    process.kill(helper!, 'SIGKILL');

    const exit = await running.exited;
    expect(exit.startError).toBe('the spawn helper died (killed by SIGKILL) while the process ran; its exit status is lost');
    expect(running.groupAlive()).toBe(true); // the process outlives the helper; stopping it is the engine's call
    expect(running.signalGroup('SIGKILL')).toBe(true);
    expect((await unanswered.exited).startError).toBe('cannot start the command: the spawn helper died (killed by SIGKILL)');
    await unanswered.ready;
    expect(unanswered.pid).toBe(-1);

    const next = own.start(spec('exit 5'));
    expect(await next.exited).toEqual({ exitCode: 5, signal: null, startError: null });
    expect(helperPids().filter((pid) => !before.has(pid) && pid !== helper)).toHaveLength(1);
    await waitFor(() => !running.groupAlive(), 'the orphaned sleep to end');
  });

  it('says while two or more of the processes asked for are still to be started, and when they are', async () => {
    const own = createHelperBackend(binary)!;
    const before = new Set(helperPids());
    const first = own.start(spec('true'));
    await first.ready;
    expect(own.whenStartsCatchUp!()).toBeNull();
    const [helper] = helperPids().filter((pid) => !before.has(pid));
    process.kill(helper!, 'SIGSTOP'); // the requests below are written, but not answered yet
    let caughtUp: Promise<void> | null;
    let second, third;
    try {
      second = own.start(spec('true'));
      expect(own.whenStartsCatchUp!()).toBeNull(); // one start to make is not a burst
      third = own.start(spec('true'));
      caughtUp = own.whenStartsCatchUp!();
      expect(caughtUp).not.toBeNull();
      let settled = false;
      void caughtUp!.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
    } finally {
      process.kill(helper!, 'SIGCONT'); // never left stopped, whatever failed above
    }
    await caughtUp;
    expect((await Promise.all([first.exited, second.exited, third.exited])).map((exit) => exit.exitCode)).toEqual([0, 0, 0]);
    expect(own.whenStartsCatchUp!()).toBeNull();
  });

  it('does not keep Node alive when idle, but does while a run is in flight', async () => {
    const started = Date.now();
    const result = runWithAdapter(`const executor = createHelperBackend(process.argv[2]);
executor.start({ command: 'sleep 0.3; exit 4', cwd: '/', env: {}, outputFd: -1, outputPath: '/dev/null' })
  .exited.then((exit) => console.log(JSON.stringify(exit)));`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${JSON.stringify({ exitCode: 4, signal: null, startError: null })}\n`);
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("the spawn helper's writer thread (files.writeAtomic)", () => {
  const write = (backend: SpawnBackend, target: string, content: string, temp = `${target}.tmp-${Math.random()}`) =>
    new Promise<NodeJS.ErrnoException | null>((resolve, reject) => {
      if (!backend.files!.writeAtomic(target, temp, content, resolve)) reject(new Error('not taken'));
    });

  it('replaces a file through its temp file, fsynced and renamed: the content whole, no temp left', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'job.health');
    fs.writeFileSync(target, 'old\n');
    const backend = createHelperBackend(binary)!;
    expect(await write(backend, target, 'success:2026-12-02T10:00:00Z:0\n')).toBeNull();
    expect(fs.readFileSync(target, 'utf8')).toBe('success:2026-12-02T10:00:00Z:0\n');
    expect(fs.readdirSync(dir)).toEqual(['job.health']);
    expect(fs.statSync(target).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('does the writes in the order asked: the last one of a file wins, and each is answered', async () => {
    const dir = tempDir();
    const backend = createHelperBackend(binary)!;
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => write(backend, path.join(dir, `f${i % 3}`), `${i}\n`)));
    expect(answers.every((answer) => answer === null)).toBe(true);
    expect([0, 1, 2].map((f) => fs.readFileSync(path.join(dir, `f${f}`), 'utf8'))).toEqual(['297\n', '298\n', '299\n']);
    expect(fs.readdirSync(dir).sort()).toEqual(['f0', 'f1', 'f2']);
  });

  it("fails as node:fs does, naming the step, and leaves the target as it was and no temp file", async () => {
    const dir = tempDir();
    const backend = createHelperBackend(binary)!;
    const missing = await write(backend, path.join(dir, 'no', 'such.health'), 'x\n', path.join(dir, 'no', 'such.tmp'));
    expect(missing).toMatchObject({ code: 'ENOENT', syscall: 'open', errno: -os.constants.errno.ENOENT });
    expect(missing!.message).toBe(`ENOENT: no such file or directory, open '${path.join(dir, 'no', 'such.tmp')}'`);
    const folder = path.join(dir, 'a.health');
    fs.mkdirSync(folder); // a folder where the file goes: the rename fails
    const temp = path.join(dir, 'a.health.tmp-1');
    const taken = await write(backend, folder, 'y\n', temp);
    expect(taken).toMatchObject({ code: 'EISDIR', syscall: 'rename' });
    expect(taken!.message).toBe(`EISDIR: is a directory, rename '${temp}' -> '${folder}'`);
    const existing = path.join(dir, 'b.tmp');
    fs.writeFileSync(existing, 'someone else\n'); // a temp name that is taken is never written through
    expect(await write(backend, path.join(dir, 'b.health'), 'z\n', existing)).toMatchObject({ code: 'EEXIST', syscall: 'open' });
    expect(fs.readFileSync(existing, 'utf8')).toBe('someone else\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.health', 'b.tmp']);
    expect(fs.statSync(folder).isDirectory()).toBe(true);
  });

  it('writes empty content as an empty file and 8 MiB whole; never writes through a symlink at the temp name', async () => {
    const dir = tempDir();
    const backend = createHelperBackend(binary)!;
    expect(await write(backend, path.join(dir, 'empty'), '')).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'empty'), 'utf8')).toBe('');
    const huge = `${'0123456789abcdef'.repeat(512 * 1024)}\n`;
    expect(await write(backend, path.join(dir, 'huge'), huge)).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'huge'), 'utf8')).toBe(huge);
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep\n');
    fs.symlinkSync(victim, path.join(dir, 'link.tmp'));
    expect(await write(backend, path.join(dir, 'x.health'), 'evil\n', path.join(dir, 'link.tmp'))).toMatchObject({ code: 'EEXIST', syscall: 'open' });
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep\n');
    expect(fs.existsSync(path.join(dir, 'x.health'))).toBe(false);
  });

  it('takes no content, target or temp name holding a NUL byte', () => {
    const backend = createHelperBackend(binary)!;
    const never = () => expect.unreachable('told about a write it did not take');
    expect(backend.files!.writeAtomic('/tmp/x', '/tmp/x.tmp', 'a\0b', never)).toBe(false);
    expect(backend.files!.writeAtomic('/tmp/x\0y', '/tmp/x.tmp', 'a', never)).toBe(false);
    expect(backend.files!.writeAtomic('/tmp/x', '', 'a', never)).toBe(false);
  });

  it('tells every write not yet answered when the helper dies (WRITER_GONE), and a new helper takes the next', async () => {
    const dir = tempDir();
    const backend = createHelperBackend(binary)!;
    const before = new Set(helperPids());
    expect(await write(backend, path.join(dir, 'first'), '1\n')).toBeNull();
    const [helper] = helperPids().filter((pid) => !before.has(pid));
    process.kill(helper!, 'SIGSTOP'); // these are asked for, never answered
    const pending = [write(backend, path.join(dir, 'second'), '2\n'), write(backend, path.join(dir, 'third'), '3\n')];
    process.kill(helper!, 'SIGKILL');
    for (const answer of await Promise.all(pending)) expect(answer).toMatchObject({ code: 'WRITER_GONE', message: expect.stringContaining('the spawn helper died (killed by SIGKILL)') });
    expect(await write(backend, path.join(dir, 'fourth'), '4\n')).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'fourth'), 'utf8')).toBe('4\n');
  });

  it('keeps Node alive while a write is not answered, and not once it is', () => {
    const dir = tempDir();
    const result = runWithAdapter(`const backend = createHelperBackend(process.argv[2]);
const target = ${JSON.stringify(path.join(dir, 'out'))};
backend.files.writeAtomic(target, target + '.tmp', 'done\\n', (error) => console.log(String(error)));`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('null\n');
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('done\n');
  });
});

describe('when the conductor dies', () => {
  it('the helper stops the runs it started (SIGTERM, SIGKILL after each grace), then exits', async () => {
    const adapter = transpiledAdapter();
    const script = path.join(path.dirname(adapter), 'parent.mjs');
    fs.writeFileSync(
      script,
      `import fs from 'node:fs';
import { createHelperBackend } from ${JSON.stringify(adapter)};
const executor = createHelperBackend(process.argv[2]);
const start = (command) => executor.start({ command, cwd: '/', env: {}, outputFd: -1, outputPath: '/dev/null', killGraceMs: 300 });
const polite = start('sleep 30');
const stubborn = start("trap '' TERM; while :; do sleep 0.05; done");
await Promise.all([polite.ready, stubborn.ready]);
const helper = fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e)).find((e) => {
  try {
    const stat = fs.readFileSync('/proc/' + e + '/stat', 'latin1');
    return stat.includes('(spawn-helper) ') && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
  } catch { return false; }
});
process.stdout.write(JSON.stringify({ helper: Number(helper), runs: [polite.pid, stubborn.pid] }) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
`,
    );
    const parent = spawn(process.execPath, [script, binary], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await exitOf(parent)).toEqual({ code: null, signal: 'SIGKILL' });
    const { helper, runs } = JSON.parse(out) as { helper: number; runs: number[] };
    groups.push(...runs);
    expect(helper).toBeGreaterThan(0);
    await waitFor(() => runs.every((run) => !groupHasLiveMember(run)), 'both runs to be stopped, the stubborn one by SIGKILL');
    await waitFor(() => !processAlive(helper), 'the helper to exit');
  });

  it('takes in a process that escaped its group (setsid) and lists it among its strays', async () => {
    const dir = tempDir();
    const run = executor.start(spec(`setsid sleep 30 & echo $! > ${dir}/escaped`));
    await run.ready;
    await run.exited;
    const escaped = Number(fs.readFileSync(path.join(dir, 'escaped'), 'utf8'));
    groups.push(escaped);
    await waitFor(() => run.strays?.().includes(escaped), 'the escaped process to be the helper\'s child');
    try {
      // By pid, not by group: on a loaded machine the process can be the helper's child before
      // setsid(2) made it a group of its own, and a group kill would then miss it (ESRCH).
      process.kill(escaped, 'SIGKILL');
    } catch (error) {
      // Already gone (ended between the two checks): the helper must still have reaped it.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await waitFor(() => !run.strays?.().includes(escaped), 'the helper to reap it');
  });

  it('says, as it reaps a shell, whether its group was left empty and, if so, which strays it had taken in', async () => {
    const alone = executor.start(spec('true'));
    await alone.exited;
    expect(alone.reaped?.groupEmpty).toBe(true);
    expect(Array.isArray(alone.reaped?.strays)).toBe(true);
    expect(alone.groupAlive()).toBe(false);

    // A background child still in the group: not empty, and no list (the executor reaps the group first).
    const dir = tempDir();
    const left = executor.start(spec(`sleep 30 & echo $! > ${dir}/child`));
    await left.ready;
    groups.push(left.pid);
    await left.exited;
    expect(left.reaped).toEqual({ groupEmpty: false, strays: null });
    expect(left.groupAlive()).toBe(true);
    left.signalGroup('SIGKILL');
    await waitFor(() => !left.groupAlive(), 'the group to be gone');

    // A process that left the group (setsid) before its shell ended: the group is empty and the stray is listed.
    const escaping = executor.start(spec(`setsid sleep 30 & echo $! > ${dir}/escaped; while [ "$(cut -d' ' -f6 /proc/$!/stat)" != "$!" ]; do sleep 0.01; done`));
    await escaping.exited;
    const escaped = Number(fs.readFileSync(path.join(dir, 'escaped'), 'utf8'));
    groups.push(escaped);
    expect(escaping.reaped?.groupEmpty).toBe(true);
    expect(escaping.reaped?.strays).toContain(escaped);
    process.kill(escaped, 'SIGKILL');
    await waitFor(() => !(escaping.strays?.() ?? []).includes(escaped), 'the helper to reap it');
  });

  it('the helper exits on its parent death signal alone, with its stdin still open', async () => {
    // sh starts the helper on a pipe that this test holds open, reports its pid, then dies.
    const sh = spawn('/bin/sh', ['-c', '"$0" <&3 & echo $!; sleep 0.3; kill -KILL $$', binary], {
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    });
    let out = '';
    sh.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await exitOf(sh);
    const helper = Number(out.trim());
    expect(helper).toBeGreaterThan(0);
    await waitFor(() => !processAlive(helper), 'the helper to exit');
    sh.stdio[3]?.destroy();
  });

  it('the helper exits at once when its parent is not the one it was told', () => {
    const result = spawnSync(binary, ['1'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 5000 });
    expect(result.status).toBe(0);
  });
});
