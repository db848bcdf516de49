// doctor: is the daemon running (the lock), does conductor.pid say so truthfully, and does its
// HTTP server answer.
import fs from 'node:fs';
import path from 'node:path';
import { isDaemonLockHeld } from '../../adapters/daemonLock.js';
import { isLiveProcess } from '../../adapters/process/procfs.js';
import type { Config } from '../../core/types.js';
import { daemonLockPath } from '../daemonState.js';
import { shownPath } from '../loadConfig.js';
import type { HomePaths } from '../paths.js';
import { readPidFile } from '../pidFile.js';
import { finding, type Finding } from './finding.js';

/** `asService`: a unit is installed to run this home, so the daemon should be running. */
export async function checkDaemon(paths: HomePaths, config: Config | null, asService = false): Promise<{ findings: Finding[]; running: boolean }> {
  const running = isDaemonLockHeld(daemonLockPath(paths));
  return { findings: await daemonFindings(paths, config, running, asService), running };
}

async function daemonFindings(paths: HomePaths, config: Config | null, running: boolean, asService: boolean): Promise<Finding[]> {
  const pid = readPidFile(paths.pidFile);
  const pidShown = shownPath(paths.pidFile);
  const findings: Finding[] = [];
  if (!running) {
    findings.push(
      asService
        ? finding('daemon', 'fail', 'the daemon is not running, though its unit is installed for this home: nothing fires', 'systemctl start symphony-conductor (journalctl -u symphony-conductor says why it stopped)')
        : finding('daemon', 'warn', 'the daemon is not running: nothing fires', 'systemctl start symphony-conductor, or: symphony-conductor start'),
    );
    if (pid !== null) {
      findings.push(
        finding('pid file', 'fail', `${pidShown} names pid ${pid}, but no daemon holds the lock (one died without cleaning up)`, `rm ${pidShown} (it does not block a start, but misleads people and tools)`),
      );
    }
    return findings;
  }
  if (pid === null) findings.push(finding('daemon', 'warn', `a daemon holds the lock, but ${pidShown} is missing`, 'restart it to rewrite the file'));
  else if (!isLiveProcess(pid, null)) findings.push(finding('daemon', 'fail', `a daemon holds the lock, but ${pidShown} names pid ${pid}, which is not running`, 'restart the daemon: systemctl restart symphony-conductor'));
  else findings.push(finding('daemon', 'ok', `running (pid ${pid})`));
  findings.push(await checkHttp(paths, config));
  return findings;
}

async function checkHttp(paths: HomePaths, config: Config | null): Promise<Finding> {
  if (config && !config.settings.http.enabled) return finding('http', 'skip', 'the HTTP server is off (settings.http.enabled: false)');
  const urlFile = path.join(paths.statusDir, 'http.url');
  let url: string;
  try {
    url = fs.readFileSync(urlFile, 'utf8').trim();
  } catch {
    return finding('http', 'warn', `the daemon runs but wrote no ${shownPath(urlFile)}`, 'see its log: logs/symphony_conductor.log');
  }
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(3000) });
    const body = (await response.json().catch(() => ({}))) as { status?: string; reason?: string };
    if (response.ok) return finding('http', 'ok', `${url} answers /health: ${body.status ?? response.status}`);
    return finding('http', 'fail', `${url}/health says ${response.status} ${body.status ?? ''}${body.reason ? `: ${body.reason}` : ''}`, 'see the daemon log: logs/symphony_conductor.log');
  } catch (error) {
    return finding('http', 'fail', `${url} does not answer: ${(error as Error).message}`, 'is the daemon stuck? see its log, or restart it');
  }
}
