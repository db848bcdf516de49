// The unit's ExecReload, run as systemd runs it (its $MAINPID given, $$ a dollar): a reload sent
// the moment the daemon was started (`systemctl start` then `reload`, Type=exec) waits until the
// process catches SIGHUP, so Node's default for SIGHUP (exit, which systemd counts as clean and
// does not restart) never meets it, and the reload is done.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, waitFor } from '../helpers/wait.js';
import { parseUnit, setting, shippedUnit } from './helpers.js';

killDaemonsAfterEach();

const unit = parseUnit(fs.readFileSync(shippedUnit, 'utf8'));

/** The ExecReload line as the shell gets it for this pid. */
function reloadScript(pid: number): string {
  const line = setting(unit, 'Service', 'ExecReload') ?? '';
  const script = /^\/bin\/sh -c '(.*)'$/.exec(line)?.[1];
  if (!script) throw new Error(`ExecReload is not /bin/sh -c '...': ${line}`);
  return script.replaceAll('$MAINPID', String(pid)).replaceAll('$$', '$');
}

describe("the unit's reload sent the moment the daemon was started", () => {
  it('waits for the daemon to catch SIGHUP, then reloads it: the daemon lives on and stops cleanly', async () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }] });
    const daemon = startDaemon(home);
    const reload = spawn('/bin/sh', ['-c', reloadScript(daemon.pid!)], { stdio: 'ignore' });
    expect(await exitOf(reload)).toEqual({ code: 0, signal: null });
    await waitFor(() => daemon.output().includes('config reloaded'), 'the reload');
    expect(daemon.exitCode).toBeNull();
    daemon.kill('SIGTERM');
    expect(await exitOf(daemon)).toEqual({ code: 0, signal: null });
  });

  it('ends when the process is gone, without sending anything', async () => {
    const gone = spawn('true');
    await exitOf(gone);
    const reload = spawn('/bin/sh', ['-c', reloadScript(gone.pid!)], { stdio: 'ignore' });
    const result = await exitOf(reload);
    expect(result.signal).toBeNull();
    expect(result.code).not.toBe(0); // kill of a pid that is gone fails, as `kill -HUP $MAINPID` did
  });
});
