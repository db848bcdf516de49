// SIGHUP is a reload for the daemon's whole life, never Node's default (exit 129): sent while it
// still starts (systemd's `reload` right after `start`) it is held and done once the config is
// loaded; sent while it drains it is ignored, and the drain records every run as for SIGTERM.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiOf, makeHome } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

/** True once the process catches SIGHUP (bit 1 of SigCgt in /proc/PID/status). */
function catchesHangup(pid: number): boolean {
  try {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 1n) === 1n;
  } catch {
    return false;
  }
}

describe('a SIGHUP sent to `start` at its first moment of listening, while it still loads', () => {
  it('does not kill it: the reload is held and done once the daemon runs, and SIGTERM then stops it cleanly', async () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }] });
    const daemon = startDaemon(home);
    await waitFor(() => catchesHangup(daemon.pid!), 'the process to catch SIGHUP', 10_000);
    daemon.kill('SIGHUP');
    await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    await waitFor(() => daemon.output().includes('config reloaded'), 'the held reload');
    daemon.kill('SIGTERM');
    expect(await exitOf(daemon)).toEqual({ code: 0, signal: null });
  });
});

describe('a SIGHUP while the daemon drains after SIGTERM', () => {
  it('is ignored with a log line; the running task finishes, is recorded, and the daemon exits 0', async () => {
    const home = makeHome({ tasks: [{ name: 'long', command: 'sleep 2' }] });
    const daemon = startDaemon(home);
    const api = await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const answer = await fetch(`${api.url}/api/v1/tasks/long/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` } });
    expect(answer.status).toBe(202);
    await waitFor(() => rows(home).some((r) => r.task === 'long' && r.status === 'running'), 'long to run');
    daemon.kill('SIGTERM');
    await waitFor(() => daemon.output().includes('stopping'), 'the drain to begin');
    daemon.kill('SIGHUP');
    expect(await exitOf(daemon)).toEqual({ code: 0, signal: null });
    expect(daemon.output()).toContain('SIGHUP ignored: the daemon is stopping');
    expect(rows(home).find((r) => r.task === 'long')?.status).toBe('success');
    expect(fs.existsSync(`${home}/conductor.pid`)).toBe(false);
  });
});
