// The yardstick for watched folders: the least a Node watcher must do per file. fs.watch on the
// folder, a stat per name, a pool of WORKERS running `/bin/sh -c COMMAND` with the file in the
// environment, the file renamed into processed/ after its run. No history, no status files, no
// settle time, no logs, no restart safety: the floor of inotify + Node + /bin/sh on this machine.
// Usage: node minimal-watcher.mjs DIR WORKERS COMMAND OUT.json
// Writes DIR/../minimal.ready once watching; SIGTERM: write OUT.json ({name: [start_ms, end_ms]}), exit 0.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [dir, workersText, command, outFile] = process.argv.slice(2);
const workers = Number(workersText);
const processed = path.join(dir, 'processed');
fs.mkdirSync(processed, { recursive: true });
const now = () => performance.timeOrigin + performance.now();
const seen = new Set();
const queue = [];
const times = {};
let running = 0;

function pump() {
  while (running < workers && queue.length > 0) {
    const name = queue.shift();
    const file = path.join(dir, name);
    running++;
    const started = now();
    const child = spawn('/bin/sh', ['-c', command], { env: { ...process.env, CONDUCTOR_FILE: file, CONDUCTOR_FILE_NAME: name }, stdio: 'ignore', detached: true });
    child.on('exit', () => {
      running--;
      times[name] = [started, now()];
      try {
        fs.renameSync(file, path.join(processed, name));
      } catch {}
      pump();
    });
  }
}

function look(name) {
  if (seen.has(name) || name.startsWith('.')) return;
  try {
    if (!fs.statSync(path.join(dir, name)).isFile()) return;
  } catch {
    return;
  }
  seen.add(name);
  queue.push(name);
  pump();
}

fs.watch(dir, (_type, name) => name && look(name));
for (const name of fs.readdirSync(dir)) look(name);
fs.writeFileSync(path.join(path.dirname(dir), 'minimal.ready'), '');
process.on('SIGTERM', () => {
  fs.writeFileSync(outFile, JSON.stringify(times));
  process.exit(0);
});
