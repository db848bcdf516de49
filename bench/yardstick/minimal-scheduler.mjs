// The yardstick for the daemon: the least a Node scheduler must do per fire. A timer armed
// for the next whole second (or one instant), then per task `/bin/sh -c COMMAND` in its own
// process group, cwd = home, env + CONDUCTOR_* vars, stdout/stderr appended to a log file
// opened for the run. No history, no health file, no logging, no config: the floor.
// Usage: node minimal-scheduler.mjs SPEC.json
//   SPEC: { home, tasks: [{ name, command }], every_second?: true, once_at?: ms, shell_fanout?: true }
// shell_fanout: one /bin/sh per fire starts every task's command in the background (fork from a
// small process, no Node spawn per task, no log fd): an estimate of the OS floor for N children.
// Writes <home>/minimal.ready once armed; SIGTERM: fire no more, wait for children, exit 0.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const logDir = path.join(spec.home, 'logs', 'minimal');
fs.mkdirSync(logDir, { recursive: true });
let running = 0;
let stopping = false;
let timer = null;
let seq = 0;
let onIdle = null;

const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
const fanout = spec.tasks
  .map((task) => `CONDUCTOR_TASK=${quote(task.name)} /bin/sh -c ${quote(task.command)} &`)
  .concat('wait')
  .join('\n');

function fire(at) {
  if (spec.shell_fanout) {
    const child = spawn('/bin/sh', ['-c', fanout], { cwd: spec.home, stdio: 'ignore', env: { ...process.env, CONDUCTOR_HOME: spec.home } });
    running++;
    const done = () => {
      running--;
      if (running === 0 && onIdle) onIdle();
    };
    child.once('error', done);
    child.once('exit', done);
    return;
  }
  for (const task of spec.tasks) {
    const fd = fs.openSync(path.join(logDir, `${task.name}.log`), 'a');
    const child = spawn('/bin/sh', ['-c', task.command], {
      cwd: spec.home,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        CONDUCTOR_TASK: task.name,
        CONDUCTOR_HOME: spec.home,
        CONDUCTOR_RUN_ID: `${at}-${++seq}`,
        CONDUCTOR_ATTEMPT: '1',
        CONDUCTOR_TRIGGER: 'schedule',
      },
    });
    running++;
    const done = () => {
      fs.closeSync(fd);
      running--;
      if (running === 0 && onIdle) onIdle();
    };
    child.once('error', done);
    child.once('exit', done);
  }
}

function armEverySecond() {
  if (stopping) return;
  const now = Date.now();
  const at = Math.floor(now / 1000) * 1000 + 1000;
  timer = setTimeout(() => {
    // setTimeout may wake a hair early; never fire before the instant.
    if (Date.now() < at) return armAt(at);
    fire(at);
    armEverySecond();
  }, at - now);
}

function armAt(at) {
  timer = setTimeout(() => {
    if (Date.now() < at) return armAt(at);
    fire(at);
    if (spec.every_second) armEverySecond();
  }, Math.max(0, at - Date.now()));
}

if (spec.every_second) armEverySecond();
else if (spec.once_at) armAt(spec.once_at);
fs.writeFileSync(path.join(spec.home, 'minimal.ready'), `${process.pid}\n`);

process.once('SIGTERM', () => {
  stopping = true;
  clearTimeout(timer);
  if (running === 0) process.exit(0);
  onIdle = () => process.exit(0);
});
