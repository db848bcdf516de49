// Whether a daemon runs on a home, and since when: the lock says if, the database says who.
import path from 'node:path';
import { isDaemonLockHeld } from '../adapters/daemonLock.js';
import type { ClusterLink } from '../core/ha/clusterLink.js';
import type { RunStore } from '../ports/runStore.js';
import type { HomePaths } from './paths.js';
import { readPidFile } from './pidFile.js';

export interface DaemonState {
  running: boolean;
  pid: number | null;
  since: string | null;
  version: string | null;
  /** While it runs: `single`, or in a cluster (settings.ha) `leader` or `standby`. */
  role?: 'leader' | 'standby' | 'single';
  /** In a cluster: the node that holds the lease (null when not known); else null. */
  leader?: string | null;
  /**
   * In a cluster: whether this node reaches the cluster's Redis (when not, it fires nothing and
   * knows no leader), and why not, as the executor's `connected` and `reason`.
   */
  cluster?: Pick<ClusterLink, 'connected' | 'reason'>;
}

export function daemonLockPath(paths: HomePaths): string {
  return path.join(paths.statusDir, 'daemon.lock');
}

export function readDaemonState(paths: HomePaths, store: RunStore): DaemonState {
  const running = isDaemonLockHeld(daemonLockPath(paths), paths.home);
  if (!running) return { running: false, pid: null, since: null, version: null };
  const info = store.getDaemonInfo();
  const pid = info?.pid ?? readPidFile(paths.pidFile);
  const role = info?.role ?? 'single';
  const trouble = info?.cluster_trouble ?? null;
  return {
    running: true,
    pid,
    since: info ? new Date(info.since).toISOString() : null,
    version: info?.version ?? null,
    role,
    leader: info?.leader ?? null,
    ...(role === 'single' ? {} : { cluster: { connected: trouble === null, reason: trouble } }),
  };
}
