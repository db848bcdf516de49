// `doctor`: every check, in order, each a line with a fix. A problem found is exit 8.
import type { HomePaths } from '../paths.js';
import { checkCommands } from './checkCommands.js';
import { checkDaemon } from './checkDaemon.js';
import { checkConfig, checkDisk, checkFolders, checkHistory } from './checkHome.js';
import { checkClock, checkUnit } from './checkSystem.js';
import type { Finding } from './finding.js';

export async function runDoctor(paths: HomePaths): Promise<Finding[]> {
  const { findings, config } = await checkConfig(paths);
  const unit = checkUnit(paths);
  // Installed to run this home as a service, the daemon not running is a problem; without a unit,
  // a daemon run by hand may just not be started now (a warning).
  const daemon = await checkDaemon(paths, config, unit.status === 'ok');
  findings.push(...checkFolders(paths, daemon.running), ...checkHistory(paths), checkDisk(paths), ...daemon.findings);
  findings.push(unit, checkClock());
  if (config) findings.push(...checkCommands(config, paths.home));
  return findings;
}
